using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// transformers <c>CLIPEncoderLayer</c> (pre-LN): x = x + self_attn(layer_norm1(x)); x = x + mlp(layer_norm2(x)).
/// </summary>
public sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    /// <summary>Creates one layer of the text tower described by <paramref name="config"/>.</summary>
    public ClipEncoderLayer(ClipTextConfig config, Device? device = null)
        : base(nameof(ClipEncoderLayer))
    {
        ArgumentNullException.ThrowIfNull(config);
        self_attn = new ClipAttention(config.HiddenSize, config.NumAttentionHeads, device);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        mlp = new ClipMlp(config.HiddenSize, config.IntermediateSize, config.HiddenAct, device);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary>[B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + self_attn.forward(layer_norm1.forward(x));
        x = x + mlp.forward(layer_norm2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
