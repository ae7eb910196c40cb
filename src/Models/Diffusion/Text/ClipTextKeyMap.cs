using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// OpenAI CLIP text-tower key names -> Hugging Face CLIPTextModel names (the table in the LCM fixture README):
/// <c>transformer.resblocks.{i}.attn.in_proj_weight/bias</c> is split in three along dim 0 into
/// <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>; <c>text_projection</c> [D, P] is transposed into
/// <c>text_projection.weight</c> [P, D]. A state dict already in HF names passes through unchanged.
/// </summary>
public static partial class ClipTextKeyMap
{
    /// <summary>The HF key of CLIPTextModelWithProjection's projection.</summary>
    public const string TextProjectionKey = "text_projection.weight";

    private const string Layer = "text_model.encoder.layers.";

    [GeneratedRegex(@"^transformer\.resblocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ResBlockRegex();

    /// <summary>True when the keys are OpenAI CLIP's (any of token_embedding.weight, positional_embedding, transformer.resblocks.*).</summary>
    public static bool IsOpenAi(IEnumerable<string> keys) =>
        keys.Any(k => k is "token_embedding.weight" or "positional_embedding" || k.StartsWith("transformer.resblocks.", StringComparison.Ordinal));

    /// <summary>
    /// The state dict in HF names. For OpenAI names the input tensors are consumed (disposed or moved into the
    /// result); keys that are neither text-tower key are kept as they are, so strict loading reports them.
    /// </summary>
    public static Dictionary<string, Tensor> ToHuggingFace(Dictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!IsOpenAi(state.Keys))
        {
            return state;
        }
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in state)
        {
            switch (key)
            {
                case "token_embedding.weight":
                    mapped["text_model.embeddings.token_embedding.weight"] = tensor;
                    continue;
                case "positional_embedding":
                    mapped["text_model.embeddings.position_embedding.weight"] = tensor;
                    continue;
                case "ln_final.weight":
                    mapped["text_model.final_layer_norm.weight"] = tensor;
                    continue;
                case "ln_final.bias":
                    mapped["text_model.final_layer_norm.bias"] = tensor;
                    continue;
                case "text_projection":
                    mapped[TextProjectionKey] = tensor.t().contiguous().clone();
                    tensor.Dispose();
                    continue;
            }
            var match = ResBlockRegex().Match(key);
            if (!match.Success)
            {
                mapped[key] = tensor;
                continue;
            }
            var prefix = Layer + match.Groups[1].Value + ".";
            var rest = match.Groups[2].Value;
            if (rest is "attn.in_proj_weight" or "attn.in_proj_bias")
            {
                var suffix = rest.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias";
                if (tensor.shape[0] % 3 != 0)
                {
                    throw new InvalidDataException($"{key}: dim 0 ({tensor.shape[0]}) must split into q, k, v");
                }
                var parts = tensor.chunk(3, 0);
                string[] names = ["q_proj", "k_proj", "v_proj"];
                for (var i = 0; i < 3; i++)
                {
                    mapped[$"{prefix}self_attn.{names[i]}.{suffix}"] = parts[i].clone();
                    parts[i].Dispose();
                }
                tensor.Dispose();
                continue;
            }
            var name = rest switch
            {
                _ when rest.StartsWith("attn.out_proj.", StringComparison.Ordinal) => "self_attn.out_proj." + rest["attn.out_proj.".Length..],
                _ when rest.StartsWith("ln_1.", StringComparison.Ordinal) => "layer_norm1." + rest["ln_1.".Length..],
                _ when rest.StartsWith("ln_2.", StringComparison.Ordinal) => "layer_norm2." + rest["ln_2.".Length..],
                _ when rest.StartsWith("mlp.c_fc.", StringComparison.Ordinal) => "mlp.fc1." + rest["mlp.c_fc.".Length..],
                _ when rest.StartsWith("mlp.c_proj.", StringComparison.Ordinal) => "mlp.fc2." + rest["mlp.c_proj.".Length..],
                _ => null,
            };
            mapped[name is null ? key : prefix + name] = tensor;
        }
        return mapped;
    }
}
