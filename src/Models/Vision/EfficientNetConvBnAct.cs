using Pipeline.Models.Vision.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>timm <c>ConvBnAct</c>: <c>conv</c> (k x k) -> <c>bn1</c> (BN + SiLU), plus the input when it has a skip.</summary>
public sealed class EfficientNetConvBnAct : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;
    private readonly BatchNormAct2d bn1;
    private readonly bool _hasSkip;

    /// <summary>Creates the block.</summary>
    public EfficientNetConvBnAct(EfficientNetBlockArgs args, bool tfSame, double bnEps, Device? device = null)
        : base(nameof(EfficientNetConvBnAct))
    {
        ArgumentNullException.ThrowIfNull(args);
        _hasSkip = args.HasSkip;
        conv = TimmConv2d.Create(args.InChannels, args.OutChannels, args.KernelSize, args.Stride, tfSame: tfSame, device: device);
        bn1 = new BatchNormAct2d(args.OutChannels, bnEps, applyAct: true, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = bn1.forward(conv.forward(input));
        if (_hasSkip)
        {
            x = x.add_(input);
        }
        return x.MoveToOuterDisposeScope();
    }
}
