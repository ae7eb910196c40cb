using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// diffusers <c>Attention</c> with <c>AttnProcessor2_0</c>: <c>to_q</c>, <c>to_k</c>, <c>to_v</c> (bias optional: none
/// in the UNet's transformer blocks, present in the VAE's mid-block attention), heads split as
/// <c>view(B, N, heads, head_dim)</c>, scaled dot-product attention with scale head_dim^-0.5 (softmax over keys),
/// then <c>to_out.0</c> (always with bias). The VAE form also has <c>group_norm</c> and a residual connection and
/// works on [B, C, H, W] through <see cref="ForwardSpatial"/>.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly GroupNorm? group_norm;
    private readonly TokenLinear to_q;
    private readonly TokenLinear to_k;
    private readonly TokenLinear to_v;
    private readonly ModuleList<TokenLinear> to_out;
    private readonly int _heads;
    private readonly int _headDim;

    /// <summary>Creates the attention.</summary>
    /// <param name="queryDim">Width of the query tokens (and of the output).</param>
    /// <param name="crossAttentionDim">Width of the context tokens for cross-attention, or null for self-attention.</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="headDim">Width of one head; heads * headDim is the inner width.</param>
    /// <param name="bias">Bias on to_q, to_k, to_v.</param>
    /// <param name="normGroups">When set, a <c>group_norm</c> (affine) applied to the input of <see cref="ForwardSpatial"/>.</param>
    /// <param name="normEps">Epsilon of <c>group_norm</c>.</param>
    public Attention(int queryDim, int? crossAttentionDim, int heads, int headDim, bool bias, int? normGroups = null, double normEps = 1e-5)
        : base(nameof(Attention))
    {
        var inner = heads * headDim;
        var contextDim = crossAttentionDim ?? queryDim;
        if (normGroups is { } groups)
        {
            group_norm = Norms.GroupNorm(groups, queryDim, normEps);
        }
        to_q = new TokenLinear(queryDim, inner, hasBias: bias);
        to_k = new TokenLinear(contextDim, inner, hasBias: bias);
        to_v = new TokenLinear(contextDim, inner, hasBias: bias);
        to_out = new ModuleList<TokenLinear>(new TokenLinear(inner, queryDim, hasBias: true));
        _heads = heads;
        _headDim = headDim;
        RegisterComponents();
    }

    /// <summary>
    /// Token form: [B, N, queryDim] attending to <paramref name="context"/> [B, M, crossAttentionDim] (or to itself
    /// when null) -> [B, N, queryDim]. No norm, no residual (the transformer block adds those).
    /// </summary>
    public Tensor forward(Tensor x, Tensor? context = null)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        var n = x.shape[1];
        var kv = context ?? x;
        var m = kv.shape[1];
        var q = to_q.forward(x).view(b, n, _heads, _headDim).transpose(1, 2);
        var k = to_k.forward(kv).view(b, m, _heads, _headDim).transpose(1, 2);
        var v = to_v.forward(kv).view(b, m, _heads, _headDim).transpose(1, 2);
        // scaled_dot_product_attention's default scale is head_dim^-0.5, diffusers' scale.
        var attended = nn.functional.scaled_dot_product_attention(q, k, v);
        var merged = attended.transpose(1, 2).reshape(b, n, _heads * _headDim);
        return to_out[0].forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Spatial self-attention (the VAE mid block): [B, C, H, W] -> [B, C, H, W] as
    /// <c>x + attention(group_norm(x) as H*W tokens)</c>, <c>rescale_output_factor</c> 1.
    /// </summary>
    public Tensor ForwardSpatial(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        var c = x.shape[1];
        var h = x.shape[2];
        var w = x.shape[3];
        var normed = group_norm is null ? x : group_norm.forward(x);
        var tokens = normed.view(b, c, h * w).transpose(1, 2);
        var attended = forward(tokens);
        var back = attended.transpose(1, 2).reshape(b, c, h, w);
        return (back + x).MoveToOuterDisposeScope();
    }
}
