using System.Text.Json;
using Pipeline.Models.Registry;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// An EfficientNetV2 architecture as timm's generator arguments: the arch strings, channel and per-stage depth
/// multipliers, stem and head widths, the channel rounding limit, and the padding / BatchNorm flavour
/// (<c>tf_</c> ports: TensorFlow "SAME" padding and eps 1e-3; timm-trained models: symmetric padding, eps 1e-5).
/// </summary>
/// <param name="ArchDef">Per stage, its timm block strings.</param>
/// <param name="ChannelMultiplier">Channel multiplier (<c>round_channels</c>).</param>
/// <param name="DepthMultipliers">Per-stage depth multipliers (repeats scaled with ceil).</param>
/// <param name="StemSize">Stem width before rounding.</param>
/// <param name="NumFeatures">Width of <c>conv_head</c> (already scaled where timm scales it).</param>
/// <param name="RoundLimit">Rounding limit of <c>round_channels</c> (0.9; 0 for EfficientNetV2-B*).</param>
/// <param name="TfSamePadding">TensorFlow "SAME" padding (timm <c>pad_type='same'</c>).</param>
/// <param name="BnEps">BatchNorm epsilon.</param>
public sealed record EfficientNetV2Config(
    IReadOnlyList<IReadOnlyList<string>> ArchDef,
    double ChannelMultiplier,
    IReadOnlyList<double> DepthMultipliers,
    int StemSize,
    int NumFeatures,
    double RoundLimit,
    bool TfSamePadding,
    double BnEps) : ArchitectureConfig
{
    /// <summary>timm's BatchNorm epsilon for TensorFlow ports (<c>BN_EPS_TF_DEFAULT</c>).</summary>
    public const double TfBnEps = 1e-3;

    /// <summary>PyTorch's default BatchNorm epsilon.</summary>
    public const double TorchBnEps = 1e-5;

    private static readonly string[][] ArchS =
    [
        ["cn_r2_k3_s1_e1_c24_skip"], ["er_r4_k3_s2_e4_c48"], ["er_r4_k3_s2_e4_c64"],
        ["ir_r6_k3_s2_e4_c128_se0.25"], ["ir_r9_k3_s1_e6_c160_se0.25"], ["ir_r15_k3_s2_e6_c256_se0.25"],
    ];

    private static readonly string[][] ArchM =
    [
        ["cn_r3_k3_s1_e1_c24_skip"], ["er_r5_k3_s2_e4_c48"], ["er_r5_k3_s2_e4_c80"],
        ["ir_r7_k3_s2_e4_c160_se0.25"], ["ir_r14_k3_s1_e6_c176_se0.25"], ["ir_r18_k3_s2_e6_c304_se0.25"],
        ["ir_r5_k3_s1_e6_c512_se0.25"],
    ];

    private static readonly string[][] ArchL =
    [
        ["cn_r4_k3_s1_e1_c32_skip"], ["er_r7_k3_s2_e4_c64"], ["er_r7_k3_s2_e4_c96"],
        ["ir_r10_k3_s2_e4_c192_se0.25"], ["ir_r19_k3_s1_e6_c224_se0.25"], ["ir_r25_k3_s2_e6_c384_se0.25"],
        ["ir_r7_k3_s1_e6_c640_se0.25"],
    ];

    private static readonly string[][] ArchXL =
    [
        ["cn_r4_k3_s1_e1_c32_skip"], ["er_r8_k3_s2_e4_c64"], ["er_r8_k3_s2_e4_c96"],
        ["ir_r16_k3_s2_e4_c192_se0.25"], ["ir_r24_k3_s1_e6_c256_se0.25"], ["ir_r32_k3_s2_e6_c512_se0.25"],
        ["ir_r8_k3_s1_e6_c640_se0.25"],
    ];

    private static readonly string[][] ArchBase =
    [
        ["cn_r1_k3_s1_e1_c16_skip"], ["er_r2_k3_s2_e4_c32"], ["er_r2_k3_s2_e4_c48"],
        ["ir_r3_k3_s2_e4_c96_se0.25"], ["ir_r5_k3_s1_e6_c112_se0.25"], ["ir_r8_k3_s2_e6_c192_se0.25"],
    ];

    /// <inheritdoc />
    public override string Family => "efficientnetv2";

    /// <summary>Stem width after rounding (timm does not fix the EfficientNetV2 stem).</summary>
    public int StemChannels => EfficientNetArchDecoder.RoundChannels(StemSize, ChannelMultiplier, RoundLimit);

    /// <summary>The decoded blocks, per stage.</summary>
    public IReadOnlyList<IReadOnlyList<EfficientNetBlockArgs>> Blocks() =>
        EfficientNetArchDecoder.Decode(ArchDef, DepthMultipliers, ChannelMultiplier, RoundLimit, StemChannels);

    /// <inheritdoc />
    public override IVisionBackbone Create(int numClasses = 0) => new EfficientNetV2(this, numClasses);

    /// <summary>Builds the module on <paramref name="device"/> (<c>meta</c>: shapes only, no memory).</summary>
    public EfficientNetV2 Create(int numClasses, Device? device) => new EfficientNetV2(this, numClasses, device);

    /// <summary>
    /// EfficientNetV2 weights are published with timm names only (transformers has no EfficientNetV2; the TensorFlow
    /// originals are not safetensors), so only <see cref="CheckpointNaming.Timm"/> is accepted; keys pass unchanged.
    /// </summary>
    public override Dictionary<string, Tensor> ToTimmNames(IReadOnlyDictionary<string, Tensor> state, CheckpointNaming naming)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (naming != CheckpointNaming.Timm)
        {
            throw new NotSupportedException(
                $"EfficientNetV2 checkpoints are only published with timm names; {naming} naming has no key map.");
        }
        return state.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Reads a timm architecture (<c>tf_efficientnetv2_{s,m,l,xl,b0,b1,b2,b3}</c>, <c>efficientnetv2_{s,m,l,xl}</c>,
    /// <c>efficientnetv2_rw_{t,s,m}</c>, a pretrained tag suffix is ignored) with optional <c>model_args</c>
    /// overrides: <c>channel_multiplier</c>, <c>depth_multiplier</c> (number or per-stage list), <c>bn_eps</c>,
    /// <c>pad_type</c> (<c>"same"</c> or <c>""</c>).
    /// </summary>
    public static EfficientNetV2Config FromTimm(string architecture, JsonElement? modelArgs)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var name = architecture.Split('.')[0];
        var tf = name.StartsWith("tf_", StringComparison.Ordinal);
        var core = tf ? name[3..] : name;
        var (kind, channel, depth) = core switch
        {
            "efficientnetv2_s" => ("s", 1.0, new[] { 1.0 }),
            "efficientnetv2_m" => ("m", 1.0, [1.0]),
            "efficientnetv2_l" => ("l", 1.0, [1.0]),
            "efficientnetv2_xl" => ("xl", 1.0, [1.0]),
            "efficientnetv2_b0" when tf => ("base", 1.0, [1.0]),
            "efficientnetv2_b1" when tf => ("base", 1.0, [1.1]),
            "efficientnetv2_b2" when tf => ("base", 1.1, [1.2]),
            "efficientnetv2_b3" when tf => ("base", 1.2, [1.4]),
            "efficientnetv2_rw_t" when !tf => ("s", 0.8, [0.9]),
            "efficientnetv2_rw_s" when !tf => ("s_rw", 1.0, [1.0]),
            "efficientnetv2_rw_m" when !tf => ("s_rw", 1.2, [1.2, 1.2, 1.2, 1.2, 1.6, 1.6]),
            _ => throw new ArgumentException($"Unknown timm EfficientNetV2 architecture '{architecture}'."),
        };
        var bnEps = tf ? TfBnEps : TorchBnEps;
        if (modelArgs is { ValueKind: JsonValueKind.Object } args)
        {
            if (args.TryGetProperty("channel_multiplier", out var ch))
            {
                channel = ch.GetDouble();
            }
            if (args.TryGetProperty("depth_multiplier", out var dm))
            {
                depth = dm.ValueKind == JsonValueKind.Array ? dm.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [dm.GetDouble()];
            }
            if (args.TryGetProperty("bn_eps", out var eps) && eps.ValueKind == JsonValueKind.Number)
            {
                bnEps = eps.GetDouble();
            }
            if (args.TryGetProperty("pad_type", out var pad))
            {
                tf = pad.GetString() switch
                {
                    "same" => true,
                    "" => false,
                    var other => throw new NotSupportedException($"EfficientNetV2 pad_type '{other}' is not supported."),
                };
            }
            foreach (var unsupported in new[] { "group_size", "se_layer", "act_layer", "norm_layer", "output_stride", "fix_stem" })
            {
                if (args.TryGetProperty(unsupported, out var v) && v.ValueKind != JsonValueKind.Null)
                {
                    throw new NotSupportedException($"timm EfficientNetV2 model arg {unsupported}={v} is not supported.");
                }
            }
        }
        return Generate(kind, channel, depth, tf, bnEps);
    }

    private static EfficientNetV2Config Generate(string kind, double channel, double[] depth, bool tf, double bnEps)
    {
        // The generators of timm's efficientnet.py (_gen_efficientnetv2_s/_m/_l/_xl/_base).
        var (arch, stem, features, roundLimit, scaleFeatures) = kind switch
        {
            "s" => (ArchS, 24, 1280, 0.9, true),
            "s_rw" => (RwSmall(), 24, 1792, 0.9, true),
            "m" => (ArchM, 24, 1280, 0.9, false),
            "l" => (ArchL, 32, 1280, 0.9, false),
            "xl" => (ArchXL, 32, 1280, 0.9, false),
            "base" => (ArchBase, 32, 1280, 0.0, true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown generator."),
        };
        var depths = depth.Length == 1 ? Enumerable.Repeat(depth[0], arch.Length).ToArray() : depth;
        if (depths.Length != arch.Length)
        {
            throw new ArgumentException($"depth_multiplier has {depths.Length} entries for {arch.Length} stages.");
        }
        var numFeatures = scaleFeatures ? EfficientNetArchDecoder.RoundChannels(features, channel, roundLimit) : features;
        return new EfficientNetV2Config(arch, channel, depths, stem, numFeatures, roundLimit, tf, bnEps);
    }

    private static string[][] RwSmall()
    {
        // timm's original (pre-release) V2-S: an EdgeResidual first stage and a wider last stage.
        var arch = ArchS.Select(stage => stage.ToArray()).ToArray();
        arch[0] = ["er_r2_k3_s1_e1_c24"];
        arch[^1] = ["ir_r15_k3_s2_e6_c272_se0.25"];
        return arch;
    }
}
