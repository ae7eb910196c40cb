using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// A CLIP text forward with every intermediate kept (transformers' <c>output_hidden_states=True</c>). The caller
/// owns and disposes the tensors.
/// </summary>
/// <param name="LastHiddenState">[B, L, D] <c>final_layer_norm</c> of the last layer: SD's <c>prompt_embeds</c>.</param>
/// <param name="HiddenStates">num_hidden_layers + 1 tensors [B, L, D]: 0 = embeddings, i = after encoder layer i (before the final norm).</param>
public sealed record ClipTextOutput(Tensor LastHiddenState, IReadOnlyList<Tensor> HiddenStates) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        LastHiddenState.Dispose();
        foreach (var t in HiddenStates)
        {
            t.Dispose();
        }
    }
}
