using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>Attention</c>: fused <c>qkv</c> Linear(D, 3D) whose output rows are [q; k; v] (heads split as
/// reshape(B, N, 3, H, hd)), scaled dot-product attention with scale hd^-0.5, and the output projection <c>proj</c>.
/// </summary>
public sealed class ViTAttention : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear qkv;
    private readonly TokenLinear proj;
    private readonly int _numHeads;
    private readonly int _headDim;
    private readonly double _scale;

    /// <summary>Creates the attention of width <paramref name="dim"/> with <paramref name="numHeads"/> heads.</summary>
    public ViTAttention(int dim, int numHeads, bool qkvBias = true, Device? device = null)
        : base(nameof(ViTAttention))
    {
        if (dim % numHeads != 0)
        {
            throw new ArgumentException($"embed dim {dim} is not a multiple of the head count {numHeads}", nameof(numHeads));
        }
        _numHeads = numHeads;
        _headDim = dim / numHeads;
        _scale = 1.0 / Math.Sqrt(_headDim);
        qkv = new TokenLinear(dim, dim * 3, hasBias: qkvBias, device: device);
        proj = new TokenLinear(dim, dim, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[B, N, D] -> [B, N, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        var n = x.shape[1];
        var c = x.shape[2];
        // [B, N, 3, H, hd] -> [3, B, H, N, hd]: views only; the fused CPU attention kernel reads strided q, k, v.
        var parts = qkv.forward(x).view(b, n, 3, _numHeads, _headDim).permute(2, 0, 3, 1, 4).unbind(0);
        var attended = UsesMatmulAttention(x)
            ? torch.matmul(torch.matmul(parts[0] * _scale, parts[1].transpose(-2, -1)).softmax(-1), parts[2])
            // Default scale of scaled_dot_product_attention is hd^-0.5, the ViT scale.
            : nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var merged = attended.transpose(1, 2).reshape(b, n, c);
        return proj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// bfloat16 on the CPU: attention as timm computes it without the fused kernel (q x scale, q k^T, softmax,
    /// x v), two matrix products that libtorch gives to oneDNN. libtorch's fused CPU kernel measured 2x slower in
    /// bfloat16 on a Zen 5 (16 ms against 7.7 per ViT-B block at batch 8), while in float32 it is the faster one (13 ms
    /// against 29, its products otherwise go to MKL).
    /// </summary>
    private static bool UsesMatmulAttention(Tensor x) =>
        x.device_type == DeviceType.CPU && x.dtype == ScalarType.BFloat16;
}
