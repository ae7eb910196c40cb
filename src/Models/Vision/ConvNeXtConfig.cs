using System.Text.Json;
using Pipeline.Models.Registry;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// A ConvNeXt V1 / V2 architecture as timm's model kwargs. V1: layer scale (<c>gamma</c>), no GRN. V2: GRN in the MLP,
/// no layer scale. timm's small V2 models (atto..nano) set <c>conv_mlp</c>, which only changes the stored shape of
/// the MLP weights ([out, in, 1, 1]).
/// </summary>
/// <param name="Depths">Blocks per stage (four stages).</param>
/// <param name="Dims">Channels per stage.</param>
/// <param name="UseGrn">Global Response Norm in the MLP (V2).</param>
/// <param name="LayerScaleInit">Layer-scale init value; null = no <c>gamma</c> (V2).</param>
/// <param name="ConvMlp">timm <c>conv_mlp</c>: MLP weights stored as 1x1 convolutions.</param>
/// <param name="NormEps">Epsilon of every LayerNorm except the head's (1e-6 in timm, HF and the original code).</param>
/// <param name="HeadNormEps">Epsilon of the final (head) LayerNorm: timm 1e-6, Hugging Face <c>layer_norm_eps</c> (1e-12).</param>
/// <param name="KernelSize">Depthwise kernel size.</param>
/// <param name="PatchSize">Stem patch size.</param>
/// <param name="MlpRatio">MLP expansion.</param>
public sealed record ConvNeXtConfig(
    IReadOnlyList<int> Depths,
    IReadOnlyList<int> Dims,
    bool UseGrn = false,
    double? LayerScaleInit = 1e-6,
    bool ConvMlp = false,
    double NormEps = 1e-6,
    double HeadNormEps = 1e-6,
    int KernelSize = 7,
    int PatchSize = 4,
    double MlpRatio = 4.0) : ArchitectureConfig
{
    /// <summary>Hugging Face's default <c>layer_norm_eps</c> for ConvNeXt and ConvNeXt V2 configs.</summary>
    public const double HuggingFaceDefaultLayerNormEps = 1e-12;

    /// <inheritdoc />
    public override string Family => "convnext";

    /// <inheritdoc />
    public override IVisionBackbone Create(int numClasses = 0) => new ConvNeXt(this, numClasses);

    /// <summary>Builds the module on <paramref name="device"/> (<c>meta</c>: shapes only, no memory).</summary>
    public ConvNeXt Create(int numClasses, Device? device) => new ConvNeXt(this, numClasses, device);

    /// <inheritdoc />
    public override Dictionary<string, Tensor> ToTimmNames(IReadOnlyDictionary<string, Tensor> state, CheckpointNaming naming) =>
        ConvNeXtKeyMap.ToTimm(state, naming, this);

    /// <summary>Throws when the configuration cannot describe a ConvNeXt.</summary>
    public void Validate()
    {
        if (Depths.Count != 4 || Dims.Count != 4)
        {
            throw new ArgumentException($"ConvNeXt needs 4 stages: depths has {Depths.Count}, dims has {Dims.Count}.");
        }
        if (Depths.Any(d => d < 1) || Dims.Any(d => d < 1) || KernelSize < 1 || KernelSize % 2 == 0 || PatchSize < 1)
        {
            throw new ArgumentException(
                $"Invalid ConvNeXt config: depths [{string.Join(", ", Depths)}], dims [{string.Join(", ", Dims)}], kernel {KernelSize}, patch {PatchSize}.");
        }
    }

    /// <summary>
    /// Reads a Hugging Face transformers <c>config.json</c> (<c>model_type</c> <c>convnext</c> or <c>convnextv2</c>):
    /// <c>hidden_sizes</c>, <c>depths</c>, <c>layer_norm_eps</c> (final norm only; default 1e-12),
    /// <c>layer_scale_init_value</c> (V1; &lt;= 0 means none), <c>patch_size</c>. MLP weights keep HF's Linear shape.
    /// </summary>
    public static ConvNeXtConfig FromHuggingFace(JsonElement config)
    {
        var modelType = config.TryGetProperty("model_type", out var mt) ? mt.GetString() : null;
        var v2 = modelType switch
        {
            "convnext" => false,
            "convnextv2" => true,
            _ => throw new ArgumentException($"Not a ConvNeXt config: model_type '{modelType}' (expected convnext or convnextv2)."),
        };
        if (config.TryGetProperty("hidden_act", out var act) && act.GetString() != "gelu")
        {
            throw new NotSupportedException($"ConvNeXt hidden_act '{act.GetString()}' is not supported (only 'gelu').");
        }
        var depths = IntArray(config, "depths") ?? [3, 3, 9, 3];
        var dims = IntArray(config, "hidden_sizes") ?? [96, 192, 384, 768];
        var eps = Number(config, "layer_norm_eps") ?? HuggingFaceDefaultLayerNormEps;
        var patch = (int)(Number(config, "patch_size") ?? 4);
        double? layerScale = null;
        if (!v2)
        {
            var ls = Number(config, "layer_scale_init_value") ?? 1e-6;
            layerScale = ls > 0 ? ls : null;
        }
        var result = new ConvNeXtConfig(depths, dims, UseGrn: v2, LayerScaleInit: layerScale, ConvMlp: false,
            HeadNormEps: eps, PatchSize: patch);
        result.Validate();
        return result;
    }

    /// <summary>
    /// Reads a timm architecture (<c>convnext_tiny</c> ... <c>convnext_xlarge</c>, <c>convnextv2_atto</c> ...
    /// <c>convnextv2_huge</c>, plus timm's V1 <c>atto</c>..<c>nano</c>) and optional <c>model_args</c> overrides
    /// (<c>depths</c>, <c>dims</c>, <c>ls_init_value</c>, <c>use_grn</c>, <c>conv_mlp</c>, <c>norm_eps</c>,
    /// <c>kernel_sizes</c>, <c>patch_size</c>).
    /// </summary>
    public static ConvNeXtConfig FromTimm(string architecture, JsonElement? modelArgs)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var name = architecture.Split('.')[0];
        var config = name switch
        {
            "convnext_atto" => Small([2, 2, 6, 2], [40, 80, 160, 320], v2: false),
            "convnext_femto" => Small([2, 2, 6, 2], [48, 96, 192, 384], v2: false),
            "convnext_pico" => Small([2, 2, 6, 2], [64, 128, 256, 512], v2: false),
            "convnext_nano" => Small([2, 2, 8, 2], [80, 160, 320, 640], v2: false),
            "convnext_tiny" => new ConvNeXtConfig([3, 3, 9, 3], [96, 192, 384, 768]),
            "convnext_small" => new ConvNeXtConfig([3, 3, 27, 3], [96, 192, 384, 768]),
            "convnext_base" => new ConvNeXtConfig([3, 3, 27, 3], [128, 256, 512, 1024]),
            "convnext_large" => new ConvNeXtConfig([3, 3, 27, 3], [192, 384, 768, 1536]),
            "convnext_xlarge" => new ConvNeXtConfig([3, 3, 27, 3], [256, 512, 1024, 2048]),
            "convnextv2_atto" => Small([2, 2, 6, 2], [40, 80, 160, 320], v2: true),
            "convnextv2_femto" => Small([2, 2, 6, 2], [48, 96, 192, 384], v2: true),
            "convnextv2_pico" => Small([2, 2, 6, 2], [64, 128, 256, 512], v2: true),
            "convnextv2_nano" => Small([2, 2, 8, 2], [80, 160, 320, 640], v2: true),
            "convnextv2_tiny" => V2([3, 3, 9, 3], [96, 192, 384, 768]),
            "convnextv2_small" => V2([3, 3, 27, 3], [96, 192, 384, 768]),
            "convnextv2_base" => V2([3, 3, 27, 3], [128, 256, 512, 1024]),
            "convnextv2_large" => V2([3, 3, 27, 3], [192, 384, 768, 1536]),
            "convnextv2_huge" => V2([3, 3, 27, 3], [352, 704, 1408, 2816]),
            _ => throw new ArgumentException($"Unknown timm ConvNeXt architecture '{architecture}'."),
        };
        if (modelArgs is { ValueKind: JsonValueKind.Object } args)
        {
            config = ApplyTimmArgs(config, args);
        }
        config.Validate();
        return config;
    }

    private static ConvNeXtConfig Small(int[] depths, int[] dims, bool v2) =>
        new(depths, dims, UseGrn: v2, LayerScaleInit: v2 ? null : 1e-6, ConvMlp: true);

    private static ConvNeXtConfig V2(int[] depths, int[] dims) => new(depths, dims, UseGrn: true, LayerScaleInit: null);

    private static ConvNeXtConfig ApplyTimmArgs(ConvNeXtConfig config, JsonElement args)
    {
        foreach (var unsupported in new[] { "head_norm_first", "head_hidden_size", "stem_type", "norm_layer", "act_layer", "conv_bias" })
        {
            if (args.TryGetProperty(unsupported, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
            {
                var isDefault = unsupported switch
                {
                    "stem_type" => v.GetString() == "patch",
                    "conv_bias" => v.ValueKind == JsonValueKind.True,
                    "act_layer" => v.GetString() == "gelu",
                    "norm_layer" => v.GetString() is "layernorm" or "layernorm2d",
                    _ => false,
                };
                if (!isDefault)
                {
                    throw new NotSupportedException($"timm ConvNeXt model arg {unsupported}={v} is not supported.");
                }
            }
        }
        if (IntArray(args, "depths") is { } depths)
        {
            config = config with { Depths = depths };
        }
        if (IntArray(args, "dims") is { } dims)
        {
            config = config with { Dims = dims };
        }
        if (args.TryGetProperty("ls_init_value", out var ls))
        {
            config = config with { LayerScaleInit = ls.ValueKind == JsonValueKind.Null ? null : ls.GetDouble() };
        }
        if (args.TryGetProperty("use_grn", out var grn))
        {
            config = config with { UseGrn = grn.GetBoolean() };
        }
        if (args.TryGetProperty("conv_mlp", out var convMlp))
        {
            config = config with { ConvMlp = convMlp.GetBoolean() };
        }
        if (Number(args, "norm_eps") is { } eps)
        {
            config = config with { NormEps = eps, HeadNormEps = eps };
        }
        if (args.TryGetProperty("kernel_sizes", out var ks))
        {
            var sizes = ks.ValueKind == JsonValueKind.Array ? ks.EnumerateArray().Select(e => e.GetInt32()).Distinct().ToArray() : [ks.GetInt32()];
            if (sizes.Length != 1)
            {
                throw new NotSupportedException("Per-stage ConvNeXt kernel_sizes are not supported; all stages must share one size.");
            }
            config = config with { KernelSize = sizes[0] };
        }
        if (Number(args, "patch_size") is { } patch)
        {
            config = config with { PatchSize = (int)patch };
        }
        return config;
    }

    private static int[]? IntArray(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray()
            : null;

    private static double? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
