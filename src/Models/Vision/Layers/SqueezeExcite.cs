using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// timm EfficientNet <c>SqueezeExcite</c>: <c>s = mean_HW(x)</c>, <c>conv_reduce</c> (1x1, bias), SiLU,
/// <c>conv_expand</c> (1x1, bias), <c>x * sigmoid(s)</c>.
/// </summary>
public sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    private static readonly long[] SpatialDims = [2, 3];
    private readonly Conv2d conv_reduce;
    private readonly Conv2d conv_expand;

    /// <summary>Creates the gate for <paramref name="channels"/> channels squeezed to <paramref name="reducedChannels"/>.</summary>
    public SqueezeExcite(long channels, long reducedChannels, Device? device = null)
        : base(nameof(SqueezeExcite))
    {
        conv_reduce = nn.Conv2d(channels, reducedChannels, 1, bias: true, device: device);
        conv_expand = nn.Conv2d(reducedChannels, channels, 1, bias: true, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var s = input.mean(SpatialDims, keepdim: true);
        s = nn.functional.silu(conv_reduce.forward(s), inplace: true);
        s = torch.sigmoid(conv_expand.forward(s));
        return input.mul(s).MoveToOuterDisposeScope();
    }
}
