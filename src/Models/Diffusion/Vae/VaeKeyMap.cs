using TorchSharp;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// Renames the VAE mid-block attention keys of old diffusers checkpoints (the pre-0.14 <c>AttentionBlock</c>, e.g.
/// runwayml SD-1.5 <c>vae/</c>) to the current <c>Attention</c> names, as diffusers'
/// <c>_convert_deprecated_attention_blocks</c> does: <c>query</c> -> <c>to_q</c>, <c>key</c> -> <c>to_k</c>,
/// <c>value</c> -> <c>to_v</c>, <c>proj_attn</c> -> <c>to_out.0</c>; <c>group_norm</c> has the same name in both.
/// Weights stored as 1x1 convs ([C, C, 1, 1]) become [C, C].
/// </summary>
public static class VaeKeyMap
{
    private static readonly Dictionary<string, string> Renames = new(StringComparer.Ordinal)
    {
        ["query"] = "to_q",
        ["key"] = "to_k",
        ["value"] = "to_v",
        ["proj_attn"] = "to_out.0",
    };

    /// <summary>True when <paramref name="keys"/> hold old-style attention names.</summary>
    public static bool HasDeprecatedAttentionNames(IEnumerable<string> keys) => keys.Any(k => Rename(k) != k);

    /// <summary>The current name of <paramref name="key"/> (itself when it is not an old attention key).</summary>
    public static string Rename(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        const string marker = ".mid_block.attentions.";
        var at = key.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return key;
        }
        var parts = key.Split('.');
        if (parts.Length < 3 || !Renames.TryGetValue(parts[^2], out var renamed))
        {
            return key;
        }
        return string.Join('.', parts[..^2]) + "." + renamed + "." + parts[^1];
    }

    /// <summary>
    /// A new dictionary with old attention keys renamed (and 1x1-conv weights of those layers flattened); the
    /// tensors are the same objects (or views of them), so the caller keeps ownership of <paramref name="state"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">An old and a new name map to the same key.</exception>
    public static Dictionary<string, torch.Tensor> ToCurrentNames(IReadOnlyDictionary<string, torch.Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in state)
        {
            var name = Rename(key);
            var tensor = name != key && value.dim() == 4 && value.shape[2] == 1 && value.shape[3] == 1
                ? value.flatten(1)
                : value;
            if (!result.TryAdd(name, tensor))
            {
                throw new InvalidDataException($"VAE checkpoint holds both '{key}' and the key it is renamed to, '{name}'");
            }
        }
        return result;
    }
}
