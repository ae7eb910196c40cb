using System.Globalization;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm's EfficientNet arch-string decoding and channel/depth scaling (<c>_decode_block_str</c>,
/// <c>_scale_stage_depth</c> with <c>depth_trunc='ceil'</c>, <c>round_channels</c>, <c>make_divisible</c> and the
/// <c>EfficientNetBuilder</c> channel bookkeeping), restricted to the <c>cn</c>, <c>er</c> and <c>ir</c> blocks that
/// EfficientNetV2 uses. Ported rather than tabulated so every timm multiplier combination builds the same network.
/// </summary>
public static class EfficientNetArchDecoder
{
    /// <summary>timm <c>make_divisible(v, divisor, min_value=None, round_limit)</c>.</summary>
    public static int MakeDivisible(double value, int divisor = 8, double roundLimit = 0.9)
    {
        var rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        if (rounded < roundLimit * value)
        {
            rounded += divisor;
        }
        return rounded;
    }

    /// <summary>timm <c>round_channels(channels, multiplier, divisor=8, round_limit)</c>.</summary>
    public static int RoundChannels(int channels, double multiplier, double roundLimit = 0.9) =>
        multiplier == 0 ? channels : MakeDivisible(channels * multiplier, 8, roundLimit);

    /// <summary>Decodes the arch strings of every stage into blocks, starting from <paramref name="stemChannels"/>.</summary>
    /// <param name="archDef">Per stage, its block strings (e.g. <c>ir_r6_k3_s2_e4_c128_se0.25</c>).</param>
    /// <param name="depthMultipliers">Per-stage depth multiplier (repeats scaled with ceil).</param>
    /// <param name="channelMultiplier">Channel multiplier applied to every block's output channels.</param>
    /// <param name="roundLimit">Rounding limit of <see cref="RoundChannels"/> (timm: 0.9; EfficientNetV2-B*: 0).</param>
    /// <param name="stemChannels">Channels leaving the stem (already rounded).</param>
    public static IReadOnlyList<IReadOnlyList<EfficientNetBlockArgs>> Decode(
        IReadOnlyList<IReadOnlyList<string>> archDef, IReadOnlyList<double> depthMultipliers, double channelMultiplier,
        double roundLimit, int stemChannels)
    {
        ArgumentNullException.ThrowIfNull(archDef);
        ArgumentNullException.ThrowIfNull(depthMultipliers);
        if (depthMultipliers.Count != archDef.Count)
        {
            throw new ArgumentException($"{depthMultipliers.Count} depth multipliers for {archDef.Count} stages.");
        }
        var stages = new List<IReadOnlyList<EfficientNetBlockArgs>>(archDef.Count);
        var inChannels = stemChannels;
        for (var s = 0; s < archDef.Count; s++)
        {
            var parsed = archDef[s].Select(Parse).ToList();
            var repeats = ScaleDepth(parsed.Select(p => p.Repeats).ToList(), depthMultipliers[s]);
            var blocks = new List<EfficientNetBlockArgs>();
            for (var d = 0; d < parsed.Count; d++)
            {
                for (var r = 0; r < repeats[d]; r++)
                {
                    var p = parsed[d];
                    var stride = blocks.Count == 0 ? p.Stride : 1;
                    var outChannels = RoundChannels(p.Channels, channelMultiplier, roundLimit);
                    blocks.Add(Build(p, inChannels, outChannels, stride));
                    inChannels = outChannels;
                }
            }
            stages.Add(blocks);
        }
        return stages;
    }

    private static EfficientNetBlockArgs Build(BlockString p, int inChannels, int outChannels, int stride)
    {
        var sameShape = inChannels == outChannels && stride == 1;
        switch (p.Type)
        {
            case EfficientNetBlockType.ConvBnAct:
                return new(p.Type, inChannels, outChannels, outChannels, p.Kernel, stride, 0, p.Skip == true && sameShape);
            case EfficientNetBlockType.EdgeResidual:
            case EfficientNetBlockType.InvertedResidual:
                var mid = MakeDivisible(inChannels * p.ExpRatio);
                // timm's EfficientNet builder (se_from_exp=False): the SE ratio is relative to the block input, so
                // it is divided by the expansion ratio and applied to the expanded channels; Python's round() is
                // half-to-even, as Math.Round's default.
                var se = p.SeRatio > 0 ? (int)Math.Round(mid * (p.SeRatio / p.ExpRatio)) : 0;
                return new(p.Type, inChannels, outChannels, mid, p.Kernel, stride, se, p.Skip != false && sameShape);
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p.Type, "Unknown block type.");
        }
    }

    private static List<int> ScaleDepth(List<int> repeats, double multiplier)
    {
        var total = repeats.Sum();
        var totalScaled = (int)Math.Ceiling(total * multiplier);
        // Distribute the scaled count over the block strings in reverse, as timm does.
        var scaled = new int[repeats.Count];
        for (var i = repeats.Count - 1; i >= 0; i--)
        {
            var r = repeats[i];
            var rs = Math.Max(1, (int)Math.Round((double)r / total * totalScaled));
            scaled[i] = rs;
            total -= r;
            totalScaled -= rs;
        }
        return [.. scaled];
    }

    private static BlockString Parse(string block)
    {
        var ops = block.Split('_');
        var type = ops[0] switch
        {
            "cn" => EfficientNetBlockType.ConvBnAct,
            "er" => EfficientNetBlockType.EdgeResidual,
            "ir" => EfficientNetBlockType.InvertedResidual,
            _ => throw new NotSupportedException($"EfficientNet block type '{ops[0]}' in '{block}' is not supported (cn, er, ir)."),
        };
        bool? skip = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in ops.Skip(1))
        {
            if (op == "skip" || op == "noskip")
            {
                skip = op == "skip";
                continue;
            }
            var digit = op.IndexOfAny("0123456789".ToCharArray());
            if (digit <= 0)
            {
                throw new NotSupportedException($"EfficientNet block option '{op}' in '{block}' is not supported.");
            }
            var key = op[..digit];
            if (key is not ("r" or "k" or "s" or "e" or "c" or "se"))
            {
                throw new NotSupportedException($"EfficientNet block option '{op}' in '{block}' is not supported.");
            }
            options[key] = op[digit..];
        }
        double Num(string key, double fallback) =>
            options.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BlockString(type, (int)Num("r", 1), (int)Num("k", 3), (int)Num("s", 1), Num("e", 1.0),
            (int)Num("c", 0), Num("se", 0.0), skip);
    }

    private sealed record BlockString(EfficientNetBlockType Type, int Repeats, int Kernel, int Stride, double ExpRatio,
        int Channels, double SeRatio, bool? Skip);
}
