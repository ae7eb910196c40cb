using Pipeline.Models.Vision.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>Mlp</c> / <c>GlobalResponseNormMlp</c> of a ConvNeXt block, on [B, C, H, W] (channels-last strides):
/// <c>fc1</c> -> GELU (exact erf) -> <c>grn</c> (V2 only) -> <c>fc2</c>. With timm's <c>conv_mlp</c> the
/// checkpoint stores fc weights as 1x1 convolutions ([out, in, 1, 1]), otherwise as Linear ([out, in]);
/// <see cref="PointwiseLinear"/> keeps either shape and computes the same 1x1 projection.
/// </summary>
public sealed class ConvNeXtMlp : nn.Module<Tensor, Tensor>
{
    private readonly PointwiseLinear fc1;
    private readonly GlobalResponseNorm? grn;
    private readonly PointwiseLinear fc2;

    /// <summary>Creates the MLP.</summary>
    /// <param name="dim">Block width.</param>
    /// <param name="hidden">Hidden width (timm: <c>int(mlp_ratio * dim)</c>).</param>
    /// <param name="useGrn">Insert Global Response Norm between the activation and <c>fc2</c> (ConvNeXt V2).</param>
    /// <param name="convShape">Store fc weights as [out, in, 1, 1] (timm <c>conv_mlp=True</c>).</param>
    /// <param name="device">Where to allocate.</param>
    public ConvNeXtMlp(long dim, long hidden, bool useGrn, bool convShape, Device? device = null)
        : base(nameof(ConvNeXtMlp))
    {
        fc1 = new PointwiseLinear(dim, hidden, convShape, device: device);
        grn = useGrn ? new GlobalResponseNorm(hidden, device: device) : null;
        fc2 = new PointwiseLinear(hidden, dim, convShape, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.gelu(fc1.forward(input));
        if (grn is not null)
        {
            x = grn.forward(x);
        }
        return fc2.forward(x).MoveToOuterDisposeScope();
    }
}
