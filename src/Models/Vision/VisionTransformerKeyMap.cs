using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// State-dict key maps between timm's ViT names (the module's own) and Hugging Face transformers
/// (<c>Dinov2Model</c>, <c>Dinov2WithRegistersModel</c>) and facebookresearch/dinov2 names, in both directions.
/// </summary>
/// <remarks>
/// Differences handled: HF splits the fused qkv into <c>query</c>/<c>key</c>/<c>value</c> (timm rows are [q; k; v]);
/// HF and the original repo carry a <c>mask_token</c> (training only: dropped on import, zeros on export); the
/// SwiGLU FFN is <c>mlp.fc1</c>/<c>mlp.fc2</c> in timm, <c>mlp.weights_in</c>/<c>weights_out</c> in HF and
/// <c>mlp.w12</c>/<c>w3</c> in the original repo; and for register models HF and the original keep the class
/// position as row 0 of the position table, where timm (<c>no_embed_class</c>) folds it into <c>cls_token</c>
/// (cls + pos[:, :1], exact: the class position is only ever added to the class token). Results share unchanged
/// tensors with the input; fused, split or folded tensors are new. Unknown keys pass through unchanged, so the
/// strict loader names them.
/// </remarks>
public static partial class VisionTransformerKeyMap
{
    private static readonly string[] QkvNames = ["query", "key", "value"];

    /// <summary>Hugging Face transformers names -> timm names (an optional <c>dinov2.</c> / <c>dinov2_with_registers.</c> prefix is removed, <c>classifier</c> becomes <c>head</c>).</summary>
    public static Dictionary<string, Tensor> FromHuggingFace(IReadOnlyDictionary<string, Tensor> state, VisionTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        // timm qkv key -> (HF source keys, tensors) for query, key, value.
        var qkv = new Dictionary<string, (string[] Keys, Tensor?[] Parts)>(StringComparer.Ordinal);
        foreach (var (rawKey, tensor) in state)
        {
            var key = rawKey;
            foreach (var prefix in (string[])["dinov2_with_registers.", "dinov2."])
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    key = key[prefix.Length..];
                    break;
                }
            }
            if (key == "embeddings.mask_token")
            {
                continue;
            }
            var layer = HfLayerKey().Match(key);
            if (layer.Success)
            {
                var block = $"blocks.{layer.Groups[1].Value}.";
                var rest = layer.Groups[2].Value;
                var split = HfQkvKey().Match(rest);
                if (split.Success)
                {
                    var target = block + "attn.qkv." + split.Groups[2].Value;
                    if (!qkv.TryGetValue(target, out var entry))
                    {
                        entry = (new string[3], new Tensor?[3]);
                        qkv[target] = entry;
                    }
                    var index = Array.IndexOf(QkvNames, split.Groups[1].Value);
                    entry.Keys[index] = rawKey;
                    entry.Parts[index] = tensor;
                    continue;
                }
                var mapped = rest switch
                {
                    _ when rest.StartsWith("attention.output.dense.", StringComparison.Ordinal) => "attn.proj." + rest["attention.output.dense.".Length..],
                    "layer_scale1.lambda1" => "ls1.gamma",
                    "layer_scale2.lambda1" => "ls2.gamma",
                    _ when rest.StartsWith("mlp.weights_in.", StringComparison.Ordinal) => "mlp.fc1." + rest["mlp.weights_in.".Length..],
                    _ when rest.StartsWith("mlp.weights_out.", StringComparison.Ordinal) => "mlp.fc2." + rest["mlp.weights_out.".Length..],
                    _ when rest.StartsWith("norm1.", StringComparison.Ordinal) || rest.StartsWith("norm2.", StringComparison.Ordinal)
                        || rest.StartsWith("mlp.fc1.", StringComparison.Ordinal) || rest.StartsWith("mlp.fc2.", StringComparison.Ordinal) => rest,
                    _ => null,
                };
                result[mapped is null ? rawKey : block + mapped] = tensor;
                continue;
            }
            var top = key switch
            {
                "embeddings.cls_token" => "cls_token",
                "embeddings.position_embeddings" => "pos_embed",
                "embeddings.register_tokens" => "reg_token",
                _ when key.StartsWith("embeddings.patch_embeddings.projection.", StringComparison.Ordinal) => "patch_embed.proj." + key["embeddings.patch_embeddings.projection.".Length..],
                _ when key.StartsWith("layernorm.", StringComparison.Ordinal) => "norm." + key["layernorm.".Length..],
                _ when key.StartsWith("classifier.", StringComparison.Ordinal) => "head." + key["classifier.".Length..],
                _ => rawKey,
            };
            result[top] = tensor;
        }
        foreach (var (target, (keys, parts)) in qkv)
        {
            if (parts.All(p => p is not null))
            {
                result[target] = torch.cat(parts!, 0);
            }
            else
            {
                // Incomplete: keep what is there under its own name so the strict loader reports it.
                for (var i = 0; i < 3; i++)
                {
                    if (parts[i] is { } part)
                    {
                        result[keys[i]] = part;
                    }
                }
            }
        }
        FoldClassPosition(result, config);
        return result;
    }

    /// <summary>facebookresearch/dinov2 names -> timm names (chunked <c>blocks.C.N.</c> keys are accepted too).</summary>
    public static Dictionary<string, Tensor> FromOriginal(IReadOnlyDictionary<string, Tensor> state, VisionTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (rawKey, tensor) in state)
        {
            if (rawKey == "mask_token")
            {
                continue;
            }
            var key = ChunkedBlockKey().Replace(rawKey, "blocks.$2.");
            if (key == "register_tokens")
            {
                key = "reg_token";
            }
            key = key.Replace(".mlp.w12.", ".mlp.fc1.", StringComparison.Ordinal).Replace(".mlp.w3.", ".mlp.fc2.", StringComparison.Ordinal);
            result[key] = tensor;
        }
        FoldClassPosition(result, config);
        return result;
    }

    /// <summary>
    /// timm names -> Hugging Face <c>Dinov2Model</c> / <c>Dinov2WithRegistersModel</c> names (base model, no
    /// prefix). Adds a zero <c>mask_token</c>; for <c>no_embed_class</c> models the class position is exported as a
    /// zero row 0 (the folded value stays in <c>cls_token</c>, so outputs are unchanged). A head passes through.
    /// </summary>
    public static Dictionary<string, Tensor> ToHuggingFace(IReadOnlyDictionary<string, Tensor> state, VisionTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in state)
        {
            var block = TimmBlockKey().Match(key);
            if (block.Success)
            {
                var layer = $"encoder.layer.{block.Groups[1].Value}.";
                var rest = block.Groups[2].Value;
                if (rest.StartsWith("attn.qkv.", StringComparison.Ordinal))
                {
                    var suffix = rest["attn.qkv.".Length..];
                    var parts = tensor.chunk(3, 0);
                    for (var i = 0; i < 3; i++)
                    {
                        result[$"{layer}attention.attention.{QkvNames[i]}.{suffix}"] = parts[i].contiguous();
                    }
                    continue;
                }
                var mapped = rest switch
                {
                    _ when rest.StartsWith("attn.proj.", StringComparison.Ordinal) => "attention.output.dense." + rest["attn.proj.".Length..],
                    "ls1.gamma" => "layer_scale1.lambda1",
                    "ls2.gamma" => "layer_scale2.lambda1",
                    _ when config.SwiGlu && rest.StartsWith("mlp.fc1.", StringComparison.Ordinal) => "mlp.weights_in." + rest["mlp.fc1.".Length..],
                    _ when config.SwiGlu && rest.StartsWith("mlp.fc2.", StringComparison.Ordinal) => "mlp.weights_out." + rest["mlp.fc2.".Length..],
                    _ => rest,
                };
                result[layer + mapped] = tensor;
                continue;
            }
            var top = key switch
            {
                "cls_token" => "embeddings.cls_token",
                "pos_embed" => "embeddings.position_embeddings",
                "reg_token" => "embeddings.register_tokens",
                _ when key.StartsWith("patch_embed.proj.", StringComparison.Ordinal) => "embeddings.patch_embeddings.projection." + key["patch_embed.proj.".Length..],
                _ when key.StartsWith("norm.", StringComparison.Ordinal) => "layernorm." + key["norm.".Length..],
                _ => key,
            };
            result[top] = tensor;
        }
        UnfoldClassPosition(result, config, "embeddings.position_embeddings");
        result["embeddings.mask_token"] = torch.zeros(1, config.EmbedDim);
        return result;
    }

    /// <summary>
    /// timm names -> facebookresearch/dinov2 names (<c>block_chunks=0</c>). Adds a zero <c>mask_token</c>; the
    /// class position is exported as in <see cref="ToHuggingFace"/>.
    /// </summary>
    public static Dictionary<string, Tensor> ToOriginal(IReadOnlyDictionary<string, Tensor> state, VisionTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in state)
        {
            var mapped = key == "reg_token" ? "register_tokens" : key;
            if (config.SwiGlu)
            {
                mapped = mapped.Replace(".mlp.fc1.", ".mlp.w12.", StringComparison.Ordinal).Replace(".mlp.fc2.", ".mlp.w3.", StringComparison.Ordinal);
            }
            result[mapped] = tensor;
        }
        UnfoldClassPosition(result, config, "pos_embed");
        result["mask_token"] = torch.zeros(1, config.EmbedDim);
        return result;
    }

    /// <summary>For <c>no_embed_class</c> models: cls_token += pos[:, :1], pos = pos[:, 1:] when the table still has the class row.</summary>
    private static void FoldClassPosition(Dictionary<string, Tensor> state, VisionTransformerConfig config)
    {
        if (!config.NoEmbedClass || !config.ClassToken)
        {
            return;
        }
        var patches = (long)config.GridSize * config.GridSize;
        if (state.TryGetValue("pos_embed", out var pos) && state.TryGetValue("cls_token", out var cls)
            && pos.dim() == 3 && pos.shape[1] == patches + 1)
        {
            state["cls_token"] = cls + pos.narrow(1, 0, 1);
            state["pos_embed"] = pos.narrow(1, 1, patches).contiguous();
        }
    }

    /// <summary>For <c>no_embed_class</c> models: prepend a zero class row to the table (the folded value stays in cls_token).</summary>
    private static void UnfoldClassPosition(Dictionary<string, Tensor> state, VisionTransformerConfig config, string posKey)
    {
        if (!config.NoEmbedClass || !config.ClassToken || !state.TryGetValue(posKey, out var pos) || pos.dim() != 3)
        {
            return;
        }
        state[posKey] = torch.cat([torch.zeros(1, 1, pos.shape[2], dtype: pos.dtype), pos], 1);
    }

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.(.+)$")]
    private static partial Regex HfLayerKey();

    [GeneratedRegex(@"^attention\.attention\.(query|key|value)\.(weight|bias)$")]
    private static partial Regex HfQkvKey();

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex TimmBlockKey();

    [GeneratedRegex(@"^blocks\.(\d+)\.(\d+)\.")]
    private static partial Regex ChunkedBlockKey();
}
