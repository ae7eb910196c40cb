using Pipeline.Models.Vision.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>InvertedResidual</c> (MBConv): <c>conv_pw</c> (1x1, in -> mid) -> <c>bn1</c> (BN + SiLU) ->
/// <c>conv_dw</c> (k x k depthwise) -> <c>bn2</c> (BN + SiLU) -> <c>se</c> -> <c>conv_pwl</c> (1x1, mid -> out) ->
/// <c>bn3</c> (BN, no activation), plus the input when it has a skip.
/// </summary>
public sealed class EfficientNetInvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv_pw;
    private readonly BatchNormAct2d bn1;
    private readonly nn.Module<Tensor, Tensor> conv_dw;
    private readonly BatchNormAct2d bn2;
    private readonly SqueezeExcite? se;
    private readonly nn.Module<Tensor, Tensor> conv_pwl;
    private readonly BatchNormAct2d bn3;
    private readonly bool _hasSkip;

    /// <summary>Creates the block.</summary>
    public EfficientNetInvertedResidual(EfficientNetBlockArgs args, bool tfSame, double bnEps, Device? device = null)
        : base(nameof(EfficientNetInvertedResidual))
    {
        ArgumentNullException.ThrowIfNull(args);
        _hasSkip = args.HasSkip;
        conv_pw = TimmConv2d.Create(args.InChannels, args.MidChannels, 1, tfSame: tfSame, device: device);
        bn1 = new BatchNormAct2d(args.MidChannels, bnEps, applyAct: true, device);
        conv_dw = TimmConv2d.Create(args.MidChannels, args.MidChannels, args.KernelSize, args.Stride, groups: args.MidChannels,
            tfSame: tfSame, device: device);
        bn2 = new BatchNormAct2d(args.MidChannels, bnEps, applyAct: true, device);
        se = args.SeChannels > 0 ? new SqueezeExcite(args.MidChannels, args.SeChannels, device) : null;
        conv_pwl = TimmConv2d.Create(args.MidChannels, args.OutChannels, 1, tfSame: tfSame, device: device);
        bn3 = new BatchNormAct2d(args.OutChannels, bnEps, applyAct: false, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = bn1.forward(conv_pw.forward(input));
        x = bn2.forward(conv_dw.forward(x));
        if (se is not null)
        {
            x = se.forward(x);
        }
        x = bn3.forward(conv_pwl.forward(x));
        if (_hasSkip)
        {
            x = x.add_(input);
        }
        return x.MoveToOuterDisposeScope();
    }
}
