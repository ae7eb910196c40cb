using System.Text.Json;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Loading;

/// <summary>Reads a Hugging Face <c>preprocessor_config.json</c> into Pipeline's eval preprocessing.</summary>
public static class HuggingFacePreprocessorConfig
{
    private const double RescaleFactor = 1.0 / 255;

    /// <summary>
    /// <c>BitImageProcessor</c> (DINOv2): resize the shortest edge to <c>size.shortest_edge</c>, centre-crop
    /// <c>crop_size</c>. <c>ConvNextImageProcessor</c>: below 384, resize the shortest edge to
    /// <c>int(shortest_edge / crop_pct)</c> and centre-crop <c>shortest_edge</c>. Both floor the crop offsets; PIL
    /// <c>resample</c> 2 = bilinear, 3 = bicubic. <c>do_resize: false</c> / <c>do_center_crop: false</c> are stated by
    /// <see cref="ParseGeometry"/>; absent sizes then take transformers' defaults (224) so the config stays valid.
    /// </summary>
    /// <exception cref="NotSupportedException">A transform Pipeline's preprocessing does not reproduce.</exception>
    public static PreprocessConfig Parse(JsonElement processor)
    {
        var type = Text(processor, "image_processor_type") ?? Text(processor, "feature_extractor_type") ?? "";
        if (Bool(processor, "do_rescale") != false
            && processor.TryGetProperty("rescale_factor", out var rf) && rf.ValueKind == JsonValueKind.Number
            && Math.Abs(rf.GetDouble() - RescaleFactor) > 1e-9)
        {
            throw new NotSupportedException($"{type}: rescale_factor {rf.GetDouble()} is not supported (1/255 only)");
        }
        if (Bool(processor, "do_rescale") == false)
        {
            throw new NotSupportedException($"{type}: do_rescale false is not supported (pixels are always scaled to [0, 1])");
        }
        var normalize = Bool(processor, "do_normalize") != false;
        var mean = normalize ? TimmPretrainedConfig.Floats(processor, "image_mean") ?? PreprocessConfig.ImageNetMean : [0f, 0f, 0f];
        var std = normalize ? TimmPretrainedConfig.Floats(processor, "image_std") ?? PreprocessConfig.ImageNetStd : [1f, 1f, 1f];
        var resample = processor.TryGetProperty("resample", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 3;
        var interpolation = resample switch
        {
            2 => Interpolation.Bilinear,
            3 => Interpolation.Bicubic,
            _ => throw new NotSupportedException($"{type}: PIL resample {resample} is not supported (2 bilinear, 3 bicubic)"),
        };
        var resize = Bool(processor, "do_resize") != false;
        var crop = Bool(processor, "do_center_crop") != false;
        var shortest = resize || processor.TryGetProperty("size", out _) ? ShortestEdge(processor, type) : DefaultSize;
        if (type.StartsWith("ConvNext", StringComparison.Ordinal))
        {
            if (shortest >= 384)
            {
                // At 384 px and above the processor warps the image to a square and does not crop: a squash resize.
                return new PreprocessConfig(shortest, shortest, shortest, interpolation, mean, std, CropRounding.Floor) { Squash = true };
            }
            var cropPct = processor.TryGetProperty("crop_pct", out var cp) && cp.ValueKind == JsonValueKind.Number ? cp.GetDouble() : 224.0 / 256;
            return new PreprocessConfig((int)(shortest / cropPct), shortest, shortest, interpolation, mean, std, CropRounding.Floor);
        }
        var (cropH, cropW) = crop || processor.TryGetProperty("crop_size", out _) ? CropSize(processor, type) : (DefaultSize, DefaultSize);
        return new PreprocessConfig(shortest, cropH, cropW, interpolation, mean, std, CropRounding.Floor);
    }

    /// <summary>
    /// What <see cref="Parse"/>'s config cannot state: <c>do_resize: false</c> (the image keeps its size) and
    /// <c>do_center_crop: false</c> (no crop, so each image enters at its own size). Both true (or absent) =
    /// <see cref="InputGeometry.Default"/>. ConvNeXt processors have no crop switch; only <c>do_resize</c> applies.
    /// </summary>
    public static InputGeometry ParseGeometry(JsonElement processor)
    {
        var type = Text(processor, "image_processor_type") ?? Text(processor, "feature_extractor_type") ?? "";
        var resize = Bool(processor, "do_resize") != false;
        var crop = type.StartsWith("ConvNext", StringComparison.Ordinal) ? resize : Bool(processor, "do_center_crop") != false;
        return (resize, crop) switch
        {
            (true, true) => InputGeometry.Default,
            (false, false) => InputGeometry.NativeSize,
            (false, true) => new InputGeometry(InputResize.None, CenterCrop: true),
            (true, false) => new InputGeometry(InputResize.Config, CenterCrop: false),
        };
    }

    // transformers' BitImageProcessor defaults (size shortest_edge 224, crop 224x224), used when a switched-off step omits its size.
    private const int DefaultSize = 224;

    private static int ShortestEdge(JsonElement processor, string type)
    {
        if (!processor.TryGetProperty("size", out var size))
        {
            throw new InvalidDataException($"{type}: preprocessor_config.json has no 'size'");
        }
        if (size.ValueKind == JsonValueKind.Number)
        {
            return size.GetInt32();
        }
        if (size.ValueKind == JsonValueKind.Object && size.TryGetProperty("shortest_edge", out var se))
        {
            return se.GetInt32();
        }
        throw new NotSupportedException($"{type}: size {size.GetRawText()} is not supported (a shortest_edge resize only)");
    }

    private static (int Height, int Width) CropSize(JsonElement processor, string type)
    {
        if (!processor.TryGetProperty("crop_size", out var crop))
        {
            throw new InvalidDataException($"{type}: preprocessor_config.json has no 'crop_size'");
        }
        if (crop.ValueKind == JsonValueKind.Number)
        {
            return (crop.GetInt32(), crop.GetInt32());
        }
        if (crop.ValueKind == JsonValueKind.Object && crop.TryGetProperty("height", out var h) && crop.TryGetProperty("width", out var w))
        {
            return (h.GetInt32(), w.GetInt32());
        }
        throw new InvalidDataException($"{type}: crop_size {crop.GetRawText()} is not understood (expected a number or height/width)");
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
