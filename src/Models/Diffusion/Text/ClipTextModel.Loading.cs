using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>Loading a diffusers / transformers <c>text_encoder/</c> folder.</summary>
public sealed partial class ClipTextModel
{
    /// <summary>Weight files looked for in a text encoder folder, in this order.</summary>
    public static readonly IReadOnlyList<string> WeightFileNames = ["model.safetensors", "model.safetensors.index.json", "model.fp16.safetensors"];

    /// <summary>Stored by old checkpoints (int64 arange [1, 77]); not a weight, ignored on load.</summary>
    public const string PositionIdsKey = "text_model.embeddings.position_ids";

    /// <summary>
    /// Reads <c>config.json</c> and the first of <see cref="WeightFileNames"/> present (fp16 / bf16 weights become
    /// float32), maps OpenAI CLIP key names (<see cref="ClipTextKeyMap"/>) when the file uses them, drops
    /// <see cref="PositionIdsKey"/>, and loads strictly: a missing, unexpected or mis-shaped key is an error.
    /// A <c>text_projection.weight</c> key (or <c>CLIPTextModelWithProjection</c> in <c>architectures</c>) makes
    /// a model with projection. The model is in eval mode.
    /// </summary>
    /// <exception cref="FileNotFoundException">No folder, <c>config.json</c> or weight file.</exception>
    /// <exception cref="InvalidDataException">Bad config or keys; the message names the folder and the keys.</exception>
    public static ClipTextModel Load(string textEncoderFolder, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(textEncoderFolder);
        if (!Directory.Exists(textEncoderFolder))
        {
            throw new FileNotFoundException($"text encoder folder '{textEncoderFolder}' does not exist", textEncoderFolder);
        }
        var config = ClipTextConfig.FromJsonFile(Path.Combine(textEncoderFolder, "config.json"));
        var weights = WeightFileNames.Select(n => Path.Combine(textEncoderFolder, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"text encoder folder '{textEncoderFolder}' has none of {string.Join(", ", WeightFileNames)}", textEncoderFolder);

        Dictionary<string, Tensor> state;
        using (var checkpoint = Checkpoint.Open(weights))
        {
            state = ClipTextKeyMap.ToHuggingFace(checkpoint.ReadAll());
        }
        try
        {
            if (state.Remove(PositionIdsKey, out var positionIds))
            {
                positionIds.Dispose();
            }
            var withProjection = state.ContainsKey(ClipTextKeyMap.TextProjectionKey)
                || config.Architectures.Contains("CLIPTextModelWithProjection", StringComparer.Ordinal);
            var model = new ClipTextModel(config, withProjection, device);
            try
            {
                StateDictLoader.LoadStrict(model, state);
            }
            catch (InvalidDataException ex)
            {
                model.Dispose();
                throw new InvalidDataException($"text encoder '{textEncoderFolder}' ({Path.GetFileName(weights)}): {ex.Message}", ex);
            }
            model.eval();
            return model;
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
