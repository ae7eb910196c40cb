using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// ConvNeXt-V2 Global Response Normalization (timm <c>GlobalResponseNorm</c>) on an NCHW tensor:
/// <c>g = ||x||_2 over (H, W)</c>, <c>n = g / (mean_C(g) + eps)</c>, <c>y = x + bias + weight * (x * n)</c>.
/// Parameters <c>weight</c> and <c>bias</c> are [C] as in the timm checkpoints (the original and Hugging Face
/// checkpoints store [1, 1, 1, C]; the key maps reshape them). The output keeps the input's memory format.
/// </summary>
public sealed class GlobalResponseNorm : nn.Module<Tensor, Tensor>
{
    private static readonly long[] SpatialDims = [2, 3];
    private static readonly long[] ChannelDim = [1];
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _eps;

    /// <summary>Creates the layer with zero weight and bias (an identity), as timm does.</summary>
    public GlobalResponseNorm(long channels, double eps = 1e-6, Device? device = null)
        : base(nameof(GlobalResponseNorm))
    {
        _eps = eps;
        weight = new Parameter(torch.zeros(channels, device: device));
        bias = new Parameter(torch.zeros(channels, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.linalg.vector_norm(input, 2, SpatialDims, keepdim: true);
        var n = g / (g.mean(ChannelDim, keepdim: true) + _eps);
        // x + bias + weight * x * n == bias + x * (1 + weight * n): the per-(B, C) factor is tiny, so the whole
        // layer costs one pass over the activation (timm's current formulation does the same).
        var w = weight.view(1, -1, 1, 1);
        var factor = torch.addcmul(torch.ones_like(n), n, w, 1);
        return torch.addcmul(bias.view(1, -1, 1, 1), input, factor, 1).MoveToOuterDisposeScope();
    }
}
