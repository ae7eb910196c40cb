using Pipeline.Models.Vision.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>EdgeResidual</c> (FusedMBConv): <c>conv_exp</c> (k x k, in -> mid) -> <c>bn1</c> (BN + SiLU) ->
/// optional <c>se</c> -> <c>conv_pwl</c> (1x1, mid -> out) -> <c>bn2</c> (BN, no activation), plus the input when
/// it has a skip. Stochastic depth is a training-time op and is absent here.
/// </summary>
public sealed class EfficientNetEdgeResidual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv_exp;
    private readonly BatchNormAct2d bn1;
    private readonly SqueezeExcite? se;
    private readonly nn.Module<Tensor, Tensor> conv_pwl;
    private readonly BatchNormAct2d bn2;
    private readonly bool _hasSkip;

    /// <summary>Creates the block.</summary>
    public EfficientNetEdgeResidual(EfficientNetBlockArgs args, bool tfSame, double bnEps, Device? device = null)
        : base(nameof(EfficientNetEdgeResidual))
    {
        ArgumentNullException.ThrowIfNull(args);
        _hasSkip = args.HasSkip;
        conv_exp = TimmConv2d.Create(args.InChannels, args.MidChannels, args.KernelSize, args.Stride, tfSame: tfSame, device: device);
        bn1 = new BatchNormAct2d(args.MidChannels, bnEps, applyAct: true, device);
        se = args.SeChannels > 0 ? new SqueezeExcite(args.MidChannels, args.SeChannels, device) : null;
        conv_pwl = TimmConv2d.Create(args.MidChannels, args.OutChannels, 1, tfSame: tfSame, device: device);
        bn2 = new BatchNormAct2d(args.OutChannels, bnEps, applyAct: false, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = bn1.forward(conv_exp.forward(input));
        if (se is not null)
        {
            x = se.forward(x);
        }
        x = bn2.forward(conv_pwl.forward(x));
        if (_hasSkip)
        {
            x = x.add_(input);
        }
        return x.MoveToOuterDisposeScope();
    }
}
