using System.Text.RegularExpressions;
using Pipeline.Models.Registry;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// Translates ConvNeXt checkpoints into timm names. Hugging Face transformers (<c>convnext.</c> / <c>convnextv2.</c>
/// prefix optional): <c>embeddings.patch_embeddings</c> -> <c>stem.0</c>, <c>embeddings.layernorm</c> -> <c>stem.1</c>,
/// <c>encoder.stages.N.downsampling_layer.M</c> -> <c>stages.N.downsample.M</c>,
/// <c>encoder.stages.N.layers.M.{dwconv,layernorm,pwconv1,pwconv2,layer_scale_parameter,grn}</c> ->
/// <c>stages.N.blocks.M.{conv_dw,norm,mlp.fc1,mlp.fc2,gamma,mlp.grn}</c>, <c>layernorm</c> -> <c>head.norm</c>,
/// <c>classifier</c> -> <c>head.fc</c>. Original facebookresearch ConvNeXt / ConvNeXt-V2 (as timm's
/// <c>checkpoint_filter_fn</c>): <c>downsample_layers.0.M</c> -> <c>stem.M</c>, <c>downsample_layers.N.M</c> ->
/// <c>stages.N.downsample.M</c>, <c>stages.N.M</c> -> <c>stages.N.blocks.M</c>, <c>grn.gamma/beta</c> ->
/// <c>mlp.grn.weight/bias</c>, <c>norm</c> -> <c>head.norm</c>, <c>head</c> -> <c>head.fc</c>. Tensors are reshaped
/// where the schemes differ: GRN [1,1,1,C] -> [C]; MLP weights to the config's Linear or 1x1-conv shape.
/// Unknown keys pass through unchanged so the strict loader names them.
/// </summary>
public static partial class ConvNeXtKeyMap
{
    /// <summary>Returns a new dictionary with timm keys; tensors are shared with <paramref name="state"/> where not reshaped.</summary>
    public static Dictionary<string, Tensor> ToTimm(IReadOnlyDictionary<string, Tensor> state, CheckpointNaming naming, ConvNeXtConfig config)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var result = new Dictionary<string, Tensor>(state.Count, StringComparer.Ordinal);
        foreach (var (key, value) in state)
        {
            var name = naming switch
            {
                CheckpointNaming.Timm => key,
                CheckpointNaming.HuggingFace => FromHuggingFace(key),
                CheckpointNaming.Original => FromOriginal(key),
                _ => throw new ArgumentOutOfRangeException(nameof(naming), naming, "Unknown checkpoint naming."),
            };
            result[name] = FitShape(name, value, config);
        }
        return result;
    }

    /// <summary>One Hugging Face transformers key in timm naming (unknown keys unchanged).</summary>
    public static string FromHuggingFace(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("classifier.", StringComparison.Ordinal))
        {
            return "head.fc." + key["classifier.".Length..];
        }
        var k = key;
        foreach (var prefix in new[] { "convnextv2.", "convnext." })
        {
            if (k.StartsWith(prefix, StringComparison.Ordinal))
            {
                k = k[prefix.Length..];
                break;
            }
        }
        if (k.StartsWith("embeddings.patch_embeddings.", StringComparison.Ordinal))
        {
            return "stem.0." + k["embeddings.patch_embeddings.".Length..];
        }
        if (k.StartsWith("embeddings.layernorm.", StringComparison.Ordinal))
        {
            return "stem.1." + k["embeddings.layernorm.".Length..];
        }
        if (k.StartsWith("layernorm.", StringComparison.Ordinal))
        {
            return "head.norm." + k["layernorm.".Length..];
        }
        var m = HfDownsample().Match(k);
        if (m.Success)
        {
            return $"stages.{m.Groups[1].Value}.downsample.{m.Groups[2].Value}";
        }
        m = HfLayer().Match(k);
        if (m.Success)
        {
            var rest = m.Groups[3].Value switch
            {
                "dwconv.weight" => "conv_dw.weight",
                "dwconv.bias" => "conv_dw.bias",
                "layernorm.weight" => "norm.weight",
                "layernorm.bias" => "norm.bias",
                "pwconv1.weight" => "mlp.fc1.weight",
                "pwconv1.bias" => "mlp.fc1.bias",
                "pwconv2.weight" => "mlp.fc2.weight",
                "pwconv2.bias" => "mlp.fc2.bias",
                "layer_scale_parameter" => "gamma",
                "grn.weight" => "mlp.grn.weight",
                "grn.bias" => "mlp.grn.bias",
                _ => null,
            };
            if (rest is not null)
            {
                return $"stages.{m.Groups[1].Value}.blocks.{m.Groups[2].Value}.{rest}";
            }
        }
        return key;
    }

    /// <summary>One original-repository key in timm naming (unknown keys unchanged).</summary>
    public static string FromOriginal(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var m = OrigDownsample().Match(key);
        if (m.Success)
        {
            return m.Groups[1].Value == "0"
                ? $"stem.{m.Groups[2].Value}"
                : $"stages.{m.Groups[1].Value}.downsample.{m.Groups[2].Value}";
        }
        m = OrigBlock().Match(key);
        if (m.Success)
        {
            var rest = m.Groups[3].Value switch
            {
                "dwconv.weight" => "conv_dw.weight",
                "dwconv.bias" => "conv_dw.bias",
                "norm.weight" => "norm.weight",
                "norm.bias" => "norm.bias",
                "pwconv1.weight" => "mlp.fc1.weight",
                "pwconv1.bias" => "mlp.fc1.bias",
                "pwconv2.weight" => "mlp.fc2.weight",
                "pwconv2.bias" => "mlp.fc2.bias",
                "gamma" => "gamma",
                "grn.gamma" => "mlp.grn.weight",
                "grn.beta" => "mlp.grn.bias",
                _ => null,
            };
            if (rest is not null)
            {
                return $"stages.{m.Groups[1].Value}.blocks.{m.Groups[2].Value}.{rest}";
            }
        }
        return key switch
        {
            "norm.weight" => "head.norm.weight",
            "norm.bias" => "head.norm.bias",
            "head.weight" => "head.fc.weight",
            "head.bias" => "head.fc.bias",
            _ => key,
        };
    }

    private static Tensor FitShape(string timmKey, Tensor value, ConvNeXtConfig config)
    {
        if (timmKey.EndsWith(".mlp.grn.weight", StringComparison.Ordinal) || timmKey.EndsWith(".mlp.grn.bias", StringComparison.Ordinal))
        {
            return value.dim() == 1 ? value : value.reshape(value.numel());
        }
        if (timmKey.EndsWith(".mlp.fc1.weight", StringComparison.Ordinal) || timmKey.EndsWith(".mlp.fc2.weight", StringComparison.Ordinal))
        {
            if (config.ConvMlp && value.dim() == 2)
            {
                return value.reshape(value.shape[0], value.shape[1], 1, 1);
            }
            if (!config.ConvMlp && value.dim() == 4 && value.shape[2] == 1 && value.shape[3] == 1)
            {
                return value.reshape(value.shape[0], value.shape[1]);
            }
        }
        return value;
    }

    [GeneratedRegex(@"^encoder\.stages\.(\d+)\.downsampling_layer\.(\d+\.(?:weight|bias))$")]
    private static partial Regex HfDownsample();

    [GeneratedRegex(@"^encoder\.stages\.(\d+)\.layers\.(\d+)\.(.+)$")]
    private static partial Regex HfLayer();

    [GeneratedRegex(@"^downsample_layers\.(\d+)\.(\d+\.(?:weight|bias))$")]
    private static partial Regex OrigDownsample();

    [GeneratedRegex(@"^stages\.(\d+)\.(\d+)\.(.+)$")]
    private static partial Regex OrigBlock();
}
