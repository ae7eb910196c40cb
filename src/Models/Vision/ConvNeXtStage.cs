using Pipeline.Models.Vision.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>ConvNeXtStage</c>: optional <c>downsample</c> (<c>0</c> LayerNorm2d, <c>1</c> 2x2 stride-2 convolution;
/// stages 1..3) followed by <c>blocks</c>.
/// </summary>
public sealed class ConvNeXtStage : nn.Module<Tensor, Tensor>
{
    private readonly Sequential? downsample;
    private readonly Sequential blocks;

    /// <summary>Creates stage <paramref name="index"/> of <paramref name="config"/>.</summary>
    public ConvNeXtStage(int index, ConvNeXtConfig config, Device? device = null)
        : base(nameof(ConvNeXtStage))
    {
        ArgumentNullException.ThrowIfNull(config);
        long dim = config.Dims[index];
        if (index > 0)
        {
            long inDim = config.Dims[index - 1];
            downsample = nn.Sequential(
                new LayerNorm2d(inDim, config.NormEps, device),
                nn.Conv2d(inDim, dim, 2, stride: 2, bias: true, device: device));
        }
        var stageBlocks = new nn.Module<Tensor, Tensor>[config.Depths[index]];
        for (var i = 0; i < stageBlocks.Length; i++)
        {
            stageBlocks[i] = new ConvNeXtBlock(dim, config, device);
        }
        blocks = nn.Sequential(stageBlocks);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = downsample is null ? input : downsample.forward(input);
        return blocks.forward(x).MoveToOuterDisposeScope();
    }
}
