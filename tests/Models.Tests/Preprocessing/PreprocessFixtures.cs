using System.Text.Json;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using TorchSharp;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>The golden preprocessing files of Fixtures/vision/preprocess (timm 1.0.28 / transformers on Pillow).</summary>
internal static class PreprocessFixtures
{
    public const string Timm = "convnext_tiny.fb_in22k_ft_in1k";
    public const string HuggingFace = "hf_facebook_dinov2_BitImageProcessor";

    public static readonly string[] Images = ["china", "flower"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "preprocess");

    /// <summary>The config each fixture folder was made with, as the registry would state it.</summary>
    public static PreprocessConfig Config(string fixture) => fixture switch
    {
        Timm => PreprocessConfig.Timm(224, 0.875, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd),
        HuggingFace => new PreprocessConfig(256, 224, 224, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd, CropRounding.Floor),
        _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, "Unknown fixture folder."),
    };

    public static byte[] Jpeg(string image) => File.ReadAllBytes(Path.Combine(Directory, "images", image + ".jpg"));

    /// <summary>Pillow's decode of the JPEG (<c>rgb</c>, uint8 [H, W, 3]).</summary>
    public static DecodedImage PillowDecoded(string image) => PillowDecodedFile(Path.Combine(Directory, "images", image + ".rgb.safetensors"));

    /// <summary>A Pillow decode saved as <c>rgb</c>, uint8 [H, W, 3], in a safetensors file.</summary>
    public static DecodedImage PillowDecodedFile(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        using var rgb = reader.ReadTensor("rgb");
        var shape = rgb.shape;
        return new DecodedImage((int)shape[1], (int)shape[0], rgb.data<byte>().ToArray());
    }

    /// <summary>The expected <c>pixel_values</c> [1, 3, H, W], flattened.</summary>
    public static float[] PixelValues(string fixture, string image)
    {
        using var reader = SafeTensorsReader.Open(Path.Combine(Directory, fixture, image + ".safetensors"));
        using var values = reader.ReadTensor("pixel_values");
        Assert.Equal([1L, 3, 224, 224], values.shape);
        return values.data<float>().ToArray();
    }

    /// <summary>The per-image entry of the fixture's transforms.json.</summary>
    public static JsonElement ImageEntry(string fixture, string image)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, fixture, "transforms.json")));
        return document.RootElement.GetProperty("images").GetProperty(image + ".jpg").Clone();
    }

    /// <summary>Max and mean |a - b|.</summary>
    public static (double Max, double Mean) Difference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0, sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs((double)a[i] - b[i]);
            max = Math.Max(max, d);
            sum += d;
        }

        return (max, sum / a.Length);
    }
}
