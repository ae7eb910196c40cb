using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>ConvNeXtBlock</c>: <c>conv_dw</c> (k x k depthwise) -> <c>norm</c> (LayerNorm over channels) ->
/// <c>mlp</c> -> optional layer scale <c>gamma</c> (V1) -> residual add. Activations stay NCHW with channels-last
/// strides (what <see cref="Layers.LayerNorm2d"/> and this block return): the LayerNorm runs on a free NHWC view and
/// the MLP as 1x1 convolutions, so no permute copies anything. timm's two equivalent block layouts (Linear MLP on
/// NHWC, or 1x1-conv MLP) differ only in the stored MLP weight shape, which the MLP keeps.
/// </summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_dw;
    private readonly LayerNorm norm;
    private readonly ConvNeXtMlp mlp;
    private readonly Parameter? gamma;

    /// <summary>Creates a block of width <paramref name="dim"/> as <paramref name="config"/> describes.</summary>
    public ConvNeXtBlock(long dim, ConvNeXtConfig config, Device? device = null)
        : base(nameof(ConvNeXtBlock))
    {
        ArgumentNullException.ThrowIfNull(config);
        conv_dw = nn.Conv2d(dim, dim, config.KernelSize, padding: config.KernelSize / 2, groups: dim, bias: true,
            device: device);
        norm = nn.LayerNorm(dim, config.NormEps, device: device);
        mlp = new ConvNeXtMlp(dim, (long)(config.MlpRatio * dim), config.UseGrn, config.ConvMlp, device);
        gamma = config.LayerScaleInit is { } ls ? new Parameter(torch.full(dim, ls, device: device)) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = conv_dw.forward(input);
        x = norm.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
        x = mlp.forward(x);
        if (gamma is not null)
        {
            x = x.mul_(gamma.view(1, -1, 1, 1));
        }
        return x.add_(input).MoveToOuterDisposeScope();
    }
}
