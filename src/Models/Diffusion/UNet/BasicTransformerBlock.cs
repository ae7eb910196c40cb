using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>BasicTransformerBlock</c> (norm_type "layer_norm", LayerNorm eps 1e-5):
/// <c>x += attn1(norm1 x)</c> (self), <c>x += attn2(norm2 x, context)</c> (cross), <c>x += ff(norm3 x)</c> (GEGLU).
/// Attention projections have no bias except <c>to_out.0</c>.
/// </summary>
public sealed class BasicTransformerBlock : nn.Module
{
    private readonly LayerNorm norm1;
    private readonly Attention attn1;
    private readonly LayerNorm norm2;
    private readonly Attention attn2;
    private readonly LayerNorm norm3;
    private readonly FeedForward ff;

    /// <summary>Creates the block of width heads * headDim attending to context of width <paramref name="crossAttentionDim"/>.</summary>
    public BasicTransformerBlock(int dim, int heads, int headDim, int crossAttentionDim)
        : base(nameof(BasicTransformerBlock))
    {
        norm1 = Norms.LayerNorm(dim, 1e-5);
        attn1 = new Attention(dim, null, heads, headDim, bias: false);
        norm2 = Norms.LayerNorm(dim, 1e-5);
        attn2 = new Attention(dim, crossAttentionDim, heads, headDim, bias: false);
        norm3 = Norms.LayerNorm(dim, 1e-5);
        ff = new FeedForward(dim, dim * 4);
        RegisterComponents();
    }

    /// <summary>[B, N, dim] with context [B, M, crossAttentionDim] -> [B, N, dim].</summary>
    public Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        x = attn1.forward(norm1.forward(x)) + x;
        x = attn2.forward(norm2.forward(x), context) + x;
        x = ff.forward(norm3.forward(x)) + x;
        return x.MoveToOuterDisposeScope();
    }
}
