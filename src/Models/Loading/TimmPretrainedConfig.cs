using System.Text.Json;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Loading;

/// <summary>Reads the eval preprocessing of a timm Hub folder's <c>pretrained_cfg</c>.</summary>
public static class TimmPretrainedConfig
{
    /// <summary>
    /// <c>input_size</c> [3, H, W] (a non-square one resizes as <see cref="ParseGeometry"/> states), <c>crop_pct</c> (timm's default 0.875), <c>interpolation</c>
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
        var (h, w) = (inputSize[1].GetInt32(), inputSize[2].GetInt32());
        var cropMode = CropMode(pretrainedCfg);
        var cropPct = CropPct(pretrainedCfg);
        var interpolation = ParseInterpolation(pretrainedCfg);
        var mean = Floats(pretrainedCfg, "mean") ?? PreprocessConfig.ImageNetMean;
        var std = Floats(pretrainedCfg, "std") ?? PreprocessConfig.ImageNetStd;
        if (h == w)
        {
            return PreprocessConfig.Timm(h, cropPct, interpolation, mean, std) with { Squash = cropMode == "squash" };
        }
        var (scaleH, scaleW) = ScaleSize(h, w, cropPct);
        return new PreprocessConfig(Math.Min(scaleH, scaleW), h, w, interpolation, mean, std, CropRounding.RoundHalfToEven) { Squash = cropMode == "squash" };
    }

    /// <summary>
    /// The resize of a non-square <c>input_size</c>, as timm's <c>transforms_factory</c> builds it from
    /// <c>scale_size = (floor(H / crop_pct), floor(W / crop_pct))</c>: crop_mode squash = <c>Resize(scale_size)</c>
    /// with the configured filter (<see cref="InputResize.Exact"/>); center = <c>ResizeKeepRatio(scale_size)</c>, which
    /// timm constructs without an interpolation argument, so it is bilinear whatever the config says
    /// (<see cref="InputResize.KeepRatio"/>); both then centre-crop H x W. A square input (or equal scale sides) is
    /// <see cref="InputGeometry.Default"/>.
    /// </summary>
    public static InputGeometry ParseGeometry(JsonElement pretrainedCfg)
    {
        var (h, w) = InputSize(pretrainedCfg);
        var (scaleH, scaleW) = ScaleSize(h, w, CropPct(pretrainedCfg));
        if (scaleH == scaleW)
        {
            return InputGeometry.Default;
        }
        return CropMode(pretrainedCfg) == "squash"
            ? new InputGeometry(InputResize.Exact, true, scaleH, scaleW, ParseInterpolation(pretrainedCfg))
            : new InputGeometry(InputResize.KeepRatio, true, scaleH, scaleW, Interpolation.Bilinear);
    }

    /// <summary><c>input_size</c> (height, width).</summary>
    public static (int Height, int Width) InputSize(JsonElement pretrainedCfg)
    {
        if (pretrainedCfg.ValueKind != JsonValueKind.Object
            || !pretrainedCfg.TryGetProperty("input_size", out var inputSize) || inputSize.ValueKind != JsonValueKind.Array || inputSize.GetArrayLength() != 3)
        {
            throw new InvalidDataException("timm pretrained_cfg: 'input_size' must be [channels, height, width]");
        }
        return (inputSize[1].GetInt32(), inputSize[2].GetInt32());
    }

    private static (int Height, int Width) ScaleSize(int h, int w, double cropPct) => ((int)Math.Floor(h / cropPct), (int)Math.Floor(w / cropPct));

    private static string CropMode(JsonElement cfg)
    {
        var cropMode = cfg.TryGetProperty("crop_mode", out var cm) && cm.ValueKind == JsonValueKind.String ? cm.GetString() : "center";
        return cropMode is "center" or "squash"
            ? cropMode
            : throw new NotSupportedException($"timm pretrained_cfg: crop_mode '{cropMode}' is not supported (center, squash)");
    }

    private static double CropPct(JsonElement cfg) =>
        cfg.TryGetProperty("crop_pct", out var cp) && cp.ValueKind == JsonValueKind.Number ? cp.GetDouble() : 0.875;

    private static Interpolation ParseInterpolation(JsonElement cfg)
    {
        var interpolation = cfg.TryGetProperty("interpolation", out var ip) && ip.ValueKind == JsonValueKind.String ? ip.GetString() : "bilinear";
        return interpolation switch
        {
            "bicubic" => Interpolation.Bicubic,
            "bilinear" => Interpolation.Bilinear,
            _ => throw new NotSupportedException($"timm pretrained_cfg: interpolation '{interpolation}' is not supported (bicubic, bilinear)"),
        };
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
