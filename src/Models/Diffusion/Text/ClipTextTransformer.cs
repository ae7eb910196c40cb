using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// transformers <c>CLIPTextTransformer</c> (the <c>text_model</c> of CLIPTextModel): embeddings, causal pre-LN
/// encoder, <c>final_layer_norm</c>.
/// </summary>
public sealed class ClipTextTransformer : nn.Module<Tensor, Tensor>
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    /// <summary>Creates the text tower of <paramref name="config"/>.</summary>
    public ClipTextTransformer(ClipTextConfig config, Device? device = null)
        : base(nameof(ClipTextTransformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        embeddings = new ClipTextEmbeddings(config, device);
        encoder = new ClipEncoder(config, device);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary>[B, L] int64 ids -> last_hidden_state [B, L, D].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var x = encoder.forward(embeddings.forward(inputIds));
        return final_layer_norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>The forward with the embeddings and every layer's output kept.</summary>
    public ClipTextOutput ForwardWithHiddenStates(Tensor inputIds)
    {
        var hidden = new List<Tensor> { embeddings.forward(inputIds) };
        hidden.AddRange(encoder.ForwardAll(hidden[0]));
        return new ClipTextOutput(final_layer_norm.forward(hidden[^1]), hidden);
    }
}
