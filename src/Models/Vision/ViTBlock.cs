using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm ViT <c>Block</c> (pre-norm): x = x + ls1(attn(norm1(x))); x = x + ls2(mlp(norm2(x))). LayerScale is
/// absent (identity, no keys) when <paramref name="layerScaleInit"/> is null.
/// </summary>
public sealed class ViTBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly ViTAttention attn;
    private readonly ViTLayerScale? ls1;
    private readonly LayerNorm norm2;
    private readonly nn.Module<Tensor, Tensor> mlp;
    private readonly ViTLayerScale? ls2;

    /// <summary>Creates one block.</summary>
    /// <param name="dim">Token width D.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="mlpHidden">Width of <c>mlp.fc1</c>'s output (for SwiGLU: both packed halves).</param>
    /// <param name="swiGlu">Packed SwiGLU FFN (ViT-g/14) instead of the GELU MLP.</param>
    /// <param name="layerScaleInit">LayerScale init value, or null for no LayerScale.</param>
    /// <param name="eps">LayerNorm epsilon.</param>
    /// <param name="qkvBias">Bias on the fused qkv projection.</param>
    /// <param name="device">Where to allocate (the <c>meta</c> device allocates nothing).</param>
    public ViTBlock(int dim, int numHeads, int mlpHidden, bool swiGlu, double? layerScaleInit, double eps, bool qkvBias, Device? device = null)
        : base(nameof(ViTBlock))
    {
        norm1 = nn.LayerNorm(dim, eps, device: device);
        attn = new ViTAttention(dim, numHeads, qkvBias, device);
        norm2 = nn.LayerNorm(dim, eps, device: device);
        mlp = swiGlu ? new ViTSwiGLUPacked(dim, mlpHidden, device) : new ViTMlp(dim, mlpHidden, device);
        if (layerScaleInit is { } init)
        {
            ls1 = new ViTLayerScale(dim, init, device);
            ls2 = new ViTLayerScale(dim, init, device);
        }
        RegisterComponents();
    }

    /// <summary>[B, N, D] -> [B, N, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = attn.forward(norm1.forward(x));
        x = ls1 is null ? x + y : ls1.AddScaled(x, y);
        y = mlp.forward(norm2.forward(x));
        x = ls2 is null ? x + y : ls2.AddScaled(x, y);
        return x.MoveToOuterDisposeScope();
    }
}
