using System.Text.Json;

namespace Pipeline.Models.Vision;

/// <summary>Parsers for model-folder configs (timm Hub <c>config.json</c>, Hugging Face transformers <c>config.json</c>).</summary>
public sealed partial record VisionTransformerConfig
{
    /// <summary>timm architectures this family builds (the DINOv2 ViTs).</summary>
    public static IReadOnlyList<string> TimmArchitectures { get; } =
    [
        "vit_small_patch14_dinov2", "vit_base_patch14_dinov2", "vit_large_patch14_dinov2", "vit_giant_patch14_dinov2",
        "vit_small_patch14_reg4_dinov2", "vit_base_patch14_reg4_dinov2", "vit_large_patch14_reg4_dinov2", "vit_giant_patch14_reg4_dinov2",
    ];

    /// <summary>Hugging Face <c>model_type</c> values this family reads.</summary>
    public static IReadOnlyList<string> HuggingFaceModelTypes { get; } = ["dinov2", "dinov2_with_registers"];

    // model_args keys that change nothing at inference (dropout rates) or are handled elsewhere.
    private static readonly HashSet<string> IgnoredTimmArgs =
    [
        "num_classes", "drop_rate", "pos_drop_rate", "patch_drop_rate", "proj_drop_rate", "attn_drop_rate",
        "drop_path_rate", "pretrained_cfg", "pretrained_cfg_overlay",
    ];

    /// <summary>
    /// A timm architecture (a <see cref="TimmArchitectures"/> name, a pretrained tag after a dot is ignored) with a
    /// Hub folder's optional <c>model_args</c> overriding its kwargs. Resampling is timm's.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown architecture, or a model argument this port does not support.</exception>
    public static VisionTransformerConfig FromTimm(string architecture, JsonElement? modelArgs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        var name = architecture.Split('.', 2)[0];
        var match = System.Text.RegularExpressions.Regex.Match(name, @"^vit_(small|base|large|giant)_patch14_(reg4_)?dinov2$");
        if (!match.Success)
        {
            throw new ArgumentException(
                $"timm architecture '{architecture}' is not a ViT this port builds; supported: {string.Join(", ", TimmArchitectures)}",
                nameof(architecture));
        }
        var config = Dinov2(match.Groups[1].Value, match.Groups[2].Success);
        if (modelArgs is not { ValueKind: JsonValueKind.Object } args)
        {
            return config;
        }
        var mlpRatio = (double?)null;
        foreach (var arg in args.EnumerateObject())
        {
            var v = arg.Value;
            config = arg.Name switch
            {
                "img_size" => config with { ImgSize = SquareSize(v, arg.Name) },
                "patch_size" => config with { PatchSize = SquareSize(v, arg.Name) },
                "in_chans" => config with { InChans = v.GetInt32() },
                "embed_dim" => config with { EmbedDim = v.GetInt32() },
                "depth" => config with { Depth = v.GetInt32() },
                "num_heads" => config with { NumHeads = v.GetInt32() },
                "init_values" => config with { LayerScaleInit = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() },
                "qkv_bias" => config with { QkvBias = v.GetBoolean() },
                "class_token" => config with { ClassToken = v.GetBoolean() },
                "reg_tokens" => config with { RegTokens = v.GetInt32() },
                "no_embed_class" => config with { NoEmbedClass = v.GetBoolean() },
                "dynamic_img_size" => config with { DynamicImgSize = v.GetBoolean() },
                "dynamic_img_pad" => config with { DynamicImgPad = v.GetBoolean() },
                "global_pool" => v.GetString() == "token"
                    ? config with { Pooling = ViTPooling.Cls }
                    : throw new ArgumentException($"timm model_args global_pool '{v.GetString()}' is not supported (only 'token'; choose mean or cls+mean pooling as an option instead)", nameof(modelArgs)),
                "mlp_ratio" => config,
                _ when IgnoredTimmArgs.Contains(arg.Name) => config,
                _ => throw new ArgumentException($"timm model_args '{arg.Name}' is not supported for {name}", nameof(modelArgs)),
            };
            if (arg.Name == "mlp_ratio")
            {
                mlpRatio = v.GetDouble();
            }
        }
        // The hidden width follows embed_dim and mlp_ratio, whichever was overridden.
        var ratio = mlpRatio ?? (config.SwiGlu ? 2.66667 * 2 : 4.0);
        return config with { MlpHidden = TimmMlpHidden(config.EmbedDim, ratio) };
    }

    /// <summary>
    /// A Hugging Face <c>Dinov2Config</c> / <c>Dinov2WithRegistersConfig</c> (<c>config.json</c>), with transformers'
    /// defaults for absent fields. Resampling follows the library: <c>dinov2</c> = <see cref="ViTPosEmbedResampling.Transformers"/>,
    /// <c>dinov2_with_registers</c> = <see cref="ViTPosEmbedResampling.Timm"/> (antialiased). Image-classification
    /// checkpoints (<c>*ForImageClassification</c>) pool cls+mean, as their classifier does.
    /// </summary>
    /// <exception cref="ArgumentException">Not a DINOv2 config, or a setting this port does not support.</exception>
    public static VisionTransformerConfig FromHuggingFace(JsonElement config)
    {
        var modelType = config.TryGetProperty("model_type", out var mt) ? mt.GetString() : null;
        if (modelType is not ("dinov2" or "dinov2_with_registers"))
        {
            throw new ArgumentException($"Hugging Face model_type '{modelType}' is not a DINOv2 config (expected dinov2 or dinov2_with_registers)", nameof(config));
        }
        var registers = modelType == "dinov2_with_registers";
        var hidden = Int(config, "hidden_size", 768);
        var mlpRatio = Double(config, "mlp_ratio", 4.0);
        var swiGlu = Bool(config, "use_swiglu_ffn", false);
        var act = config.TryGetProperty("hidden_act", out var a) ? a.GetString() : "gelu";
        if (!swiGlu && act != "gelu")
        {
            throw new ArgumentException($"hidden_act '{act}' is not supported (exact-erf 'gelu' only)", nameof(config));
        }
        var mlpHidden = (int)(hidden * mlpRatio);
        if (swiGlu)
        {
            // transformers Dinov2SwiGLUFFN: half width = (int(h * 2 / 3) + 7) // 8 * 8, fc1 packs two halves.
            mlpHidden = 2 * (((int)(mlpHidden * 2 / 3.0) + 7) / 8 * 8);
        }
        var registerCount = registers ? Int(config, "num_register_tokens", 4) : 0;
        var classifier = config.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array
            && archs.EnumerateArray().Any(x => x.GetString()?.EndsWith("ForImageClassification", StringComparison.Ordinal) == true);
        return new VisionTransformerConfig
        {
            Name = modelType,
            ImgSize = Int(config, "image_size", 224),
            PatchSize = Int(config, "patch_size", 16),
            InChans = Int(config, "num_channels", 3),
            EmbedDim = hidden,
            Depth = Int(config, "num_hidden_layers", 12),
            NumHeads = Int(config, "num_attention_heads", 12),
            MlpHidden = mlpHidden,
            SwiGlu = swiGlu,
            LayerScaleInit = Double(config, "layerscale_value", 1.0),
            LayerNormEps = Double(config, "layer_norm_eps", 1e-12),
            QkvBias = Bool(config, "qkv_bias", true),
            RegTokens = registerCount,
            NoEmbedClass = registers,
            Pooling = classifier ? ViTPooling.ClsMean : ViTPooling.Cls,
            PosEmbedResampling = registers ? ViTPosEmbedResampling.Timm : ViTPosEmbedResampling.Transformers,
        };
    }

    private static int SquareSize(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetInt32();
        }
        var sides = value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return sides.Length == 2 && sides[0] == sides[1]
            ? sides[0]
            : throw new ArgumentException($"{name} must be square, got [{string.Join(", ", sides)}]", nameof(value));
    }

    private static int Int(JsonElement config, string name, int fallback) =>
        config.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? SquareSize(v, name) : fallback;

    private static double Double(JsonElement config, string name, double fallback) =>
        config.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    private static bool Bool(JsonElement config, string name, bool fallback) =>
        config.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
