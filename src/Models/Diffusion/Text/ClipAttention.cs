using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// transformers <c>CLIPAttention</c> as the text tower uses it: separate <c>q_proj</c>, <c>k_proj</c>,
/// <c>v_proj</c> (with bias), scale head_dim^-0.5, causal mask (query i sees keys j &lt;= i), <c>out_proj</c>.
/// </summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear q_proj;
    private readonly TokenLinear k_proj;
    private readonly TokenLinear v_proj;
    private readonly TokenLinear out_proj;
    private readonly int _numHeads;
    private readonly int _headDim;

    /// <summary>Creates the attention of width <paramref name="dim"/> with <paramref name="numHeads"/> heads.</summary>
    public ClipAttention(int dim, int numHeads, Device? device = null)
        : base(nameof(ClipAttention))
    {
        if (dim % numHeads != 0)
        {
            throw new ArgumentException($"hidden size {dim} is not a multiple of the head count {numHeads}", nameof(numHeads));
        }
        _numHeads = numHeads;
        _headDim = dim / numHeads;
        q_proj = new TokenLinear(dim, dim, hasBias: true, device: device);
        k_proj = new TokenLinear(dim, dim, hasBias: true, device: device);
        v_proj = new TokenLinear(dim, dim, hasBias: true, device: device);
        out_proj = new TokenLinear(dim, dim, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[B, L, D] -> [B, L, D], causal.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        var n = x.shape[1];
        var c = x.shape[2];
        var q = q_proj.forward(x).view(b, n, _numHeads, _headDim).transpose(1, 2);
        var k = k_proj.forward(x).view(b, n, _numHeads, _headDim).transpose(1, 2);
        var v = v_proj.forward(x).view(b, n, _numHeads, _headDim).transpose(1, 2);
        // Default scale is head_dim^-0.5, CLIP's; is_casual (TorchSharp's spelling) masks keys j > i.
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        var merged = attended.transpose(1, 2).reshape(b, n, c);
        return out_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
