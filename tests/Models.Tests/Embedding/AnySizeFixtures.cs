using System.Text.Json.Nodes;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Tests.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Embedding;

/// <summary>
/// Fixtures/vision/anysize: DINOv2 at its input's own size through timm 1.0.28 and a reproduction of transformers
/// (see make_goldens.py there), plus the model folders (timm Hub with dynamic_img_size, HF with do_resize false) that
/// state those runs.
/// </summary>
internal static class AnySizeFixtures
{
    public static string GoldensPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "anysize", "goldens.safetensors");

    public static Dictionary<string, Tensor> Goldens()
    {
        using var reader = SafeTensorsReader.Open(GoldensPath);
        return reader.ReadAll();
    }

    /// <summary>An HWC uint8 golden image as a decoded image.</summary>
    public static DecodedImage Image(Tensor rgb) =>
        new((int)rgb.shape[1], (int)rgb.shape[0], rgb.contiguous().data<byte>().ToArray());

    /// <summary>Pillow's decode of a fixture photo (china, flower).</summary>
    public static DecodedImage Photo(string name)
    {
        using var reader = SafeTensorsReader.Open(Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "preprocess", "images", name + ".rgb.safetensors"));
        using var rgb = reader.ReadTensor("rgb");
        return Image(rgb);
    }

    /// <summary>A BitImageProcessor that neither resizes nor crops (images enter at their own size).</summary>
    public static JsonObject NativeSizeProcessor()
    {
        var processor = ModelFolderBuilder.BitProcessor();
        processor["do_resize"] = false;
        processor["do_center_crop"] = false;
        return processor;
    }

    /// <summary>timm <c>pretrained_cfg</c> with a non-square <c>input_size</c>.</summary>
    public static JsonObject PretrainedCfg(int height, int width, double cropPct, string cropMode) => new()
    {
        ["input_size"] = new JsonArray(3, height, width),
        ["interpolation"] = "bicubic",
        ["crop_pct"] = cropPct,
        ["crop_mode"] = cropMode,
        ["mean"] = new JsonArray(0.485, 0.456, 0.406),
        ["std"] = new JsonArray(0.229, 0.224, 0.225),
    };

    /// <summary>A timm Hub folder: the fixture's kwargs plus <paramref name="extraArgs"/> in model_args, the given pretrained_cfg.</summary>
    public static string TimmFolder(ModelFolderBuilder folders, string fixtureCase, JsonObject pretrainedCfg, JsonObject extraArgs)
    {
        var fixture = ModelFolderBuilder.FixtureConfig(fixtureCase);
        var modelArgs = fixture["timm_kwargs"]!.DeepClone().AsObject();
        var numClasses = modelArgs["num_classes"]!.GetValue<int>();
        modelArgs.Remove("num_classes");
        foreach (var (key, value) in extraArgs)
        {
            modelArgs[key] = value?.DeepClone();
        }
        var folder = folders.NewFolder($"timm_{fixtureCase}_{Guid.NewGuid():N}");
        ModelFolderBuilder.WriteJson(folder, "config.json", new JsonObject
        {
            ["architecture"] = fixture["timm_model"]!.GetValue<string>(),
            ["num_classes"] = numClasses,
            ["model_args"] = modelArgs,
            ["pretrained_cfg"] = pretrainedCfg,
        });
        File.Copy(Path.Combine(ModelFolderBuilder.FixtureDir(fixtureCase), "weights_timm.safetensors"), Path.Combine(folder, "model.safetensors"));
        return folder;
    }

    /// <summary>Max |a - b| over equal-length spans; the lengths must match.</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: expected {expected.Length} values, seen {actual.Length}");
        double max = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }
        return max;
    }

    public static float[] Floats(Tensor t) => t.contiguous().data<float>().ToArray();
}
