using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// timm <c>LayerNorm2d</c>: LayerNorm over the channel dimension of an NCHW tensor. Parameters <c>weight</c> and
/// <c>bias</c> are [C]. TorchSharp has no channels-first LayerNorm, so this permutes to NHWC, runs the fused
/// <c>layer_norm</c> kernel and permutes back; the result is an NCHW view with channels-last strides, which the next
/// convolution consumes without a copy.
/// </summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] _shape;
    private readonly double _eps;

    /// <summary>Creates the norm with weight 1 and bias 0.</summary>
    public LayerNorm2d(long channels, double eps = 1e-6, Device? device = null)
        : base(nameof(LayerNorm2d))
    {
        _shape = [channels];
        _eps = eps;
        weight = new Parameter(torch.ones(channels, device: device));
        bias = new Parameter(torch.zeros(channels, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var normed = nn.functional.layer_norm(input.permute(0, 2, 3, 1), _shape, weight, bias, _eps);
        return normed.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
