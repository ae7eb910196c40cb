using System.Text.Json;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Loading;

/// <summary>Reads the eval preprocessing of a timm Hub folder's <c>pretrained_cfg</c>.</summary>
public static class TimmPretrainedConfig
{
    /// <summary>
    /// <c>input_size</c> [3, H, W] (square), <c>crop_pct</c> (timm's default 0.875), <c>interpolation</c>
    /// (bicubic / bilinear), <c>mean</c>, <c>std</c>, <c>crop_mode</c> (center or squash): timm's eval transform.
    /// </summary>
    /// <exception cref="NotSupportedException">A transform Pipeline's preprocessing does not reproduce.</exception>
    /// <exception cref="InvalidDataException">A missing or malformed field.</exception>
    public static PreprocessConfig Parse(JsonElement pretrainedCfg)
    {
        if (pretrainedCfg.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("timm config.json: 'pretrained_cfg' is not an object");
        }
        if (!pretrainedCfg.TryGetProperty("input_size", out var inputSize) || inputSize.ValueKind != JsonValueKind.Array || inputSize.GetArrayLength() != 3)
        {
            throw new InvalidDataException("timm pretrained_cfg: 'input_size' must be [channels, height, width]");
        }
        var h = inputSize[1].GetInt32();
        var w = inputSize[2].GetInt32();
        if (h != w)
        {
            throw new NotSupportedException($"timm pretrained_cfg: non-square input_size {h}x{w} is not supported");
        }
        var cropMode = pretrainedCfg.TryGetProperty("crop_mode", out var cm) && cm.ValueKind == JsonValueKind.String ? cm.GetString() : "center";
        if (cropMode is not ("center" or "squash"))
        {
            throw new NotSupportedException($"timm pretrained_cfg: crop_mode '{cropMode}' is not supported (center, squash)");
        }
        var cropPct = pretrainedCfg.TryGetProperty("crop_pct", out var cp) && cp.ValueKind == JsonValueKind.Number ? cp.GetDouble() : 0.875;
        var interpolation = pretrainedCfg.TryGetProperty("interpolation", out var ip) && ip.ValueKind == JsonValueKind.String ? ip.GetString() : "bilinear";
        return PreprocessConfig.Timm(
            h,
            cropPct,
            interpolation switch
            {
                "bicubic" => Interpolation.Bicubic,
                "bilinear" => Interpolation.Bilinear,
                _ => throw new NotSupportedException($"timm pretrained_cfg: interpolation '{interpolation}' is not supported (bicubic, bilinear)"),
            },
            Floats(pretrainedCfg, "mean") ?? PreprocessConfig.ImageNetMean,
            Floats(pretrainedCfg, "std") ?? PreprocessConfig.ImageNetStd) with { Squash = cropMode == "squash" };
    }

    internal static float[]? Floats(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var values = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetSingle()).ToArray() : [v.GetSingle()];
        return values.Length switch
        {
            3 => values,
            1 => [values[0], values[0], values[0]],
            _ => throw new InvalidDataException($"'{name}' must have 1 or 3 values, got {values.Length}"),
        };
    }
}
