using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>ConvNeXtBlock</c>: <c>conv_dw</c> (k x k depthwise) -> channels-last <c>norm</c> (LayerNorm) ->
/// <c>mlp</c> -> optional layer scale <c>gamma</c> (V1) -> residual add. The block keeps activations in channels-last
/// memory order: the NCHW input is expected as a view with NHWC strides (what <see cref="Layers.LayerNorm2d"/> and
/// this block return), so the permutes around the norm and MLP cost nothing.
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
        var x = conv_dw.forward(input).permute(0, 2, 3, 1);
        x = mlp.forward(norm.forward(x));
        if (gamma is not null)
        {
            x = x.mul_(gamma);
        }
        return x.permute(0, 3, 1, 2).add_(input).MoveToOuterDisposeScope();
    }
}
