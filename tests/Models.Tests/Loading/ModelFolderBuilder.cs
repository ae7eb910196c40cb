using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Loading;

/// <summary>Writes model folders in the Hugging Face and timm Hub layouts from the fixture cases, in a temp folder removed on dispose.</summary>
internal sealed class ModelFolderBuilder : IDisposable
{
    public ModelFolderBuilder()
    {
        Root = Path.Combine(Path.GetTempPath(), "pipeline-loading-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static string FixtureDir(string fixtureCase) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "models", fixtureCase);

    /// <summary>The fixture's config.json.</summary>
    public static JsonObject FixtureConfig(string fixtureCase) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDir(fixtureCase), "config.json")))!.AsObject();

    public string NewFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void WriteJson(string folder, string file, JsonNode node) =>
        File.WriteAllText(Path.Combine(folder, file), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>A transformers folder: the fixture's hf_config as config.json, its HF weights, and a processor config.</summary>
    public string HuggingFaceFolder(string fixtureCase, JsonObject processor, int shards = 1)
    {
        var folder = NewFolder($"hf_{fixtureCase}_{shards}");
        WriteJson(folder, "config.json", FixtureConfig(fixtureCase)["hf_config"]!.DeepClone());
        WriteJson(folder, "preprocessor_config.json", processor);
        var source = Path.Combine(FixtureDir(fixtureCase), "weights_hf.safetensors");
        if (shards == 1)
        {
            File.Copy(source, Path.Combine(folder, "model.safetensors"));
        }
        else
        {
            WriteSharded(source, folder, shards);
        }
        return folder;
    }

    /// <summary>A timm Hub folder: architecture, model_args (the fixture's kwargs), pretrained_cfg, timm weights.</summary>
    public string TimmFolder(string fixtureCase, JsonObject pretrainedCfg)
    {
        var fixture = FixtureConfig(fixtureCase);
        var modelArgs = fixture["timm_kwargs"]!.DeepClone().AsObject();
        var numClasses = modelArgs["num_classes"]!.GetValue<int>();
        modelArgs.Remove("num_classes");
        var folder = NewFolder($"timm_{fixtureCase}");
        WriteJson(folder, "config.json", new JsonObject
        {
            ["architecture"] = fixture["timm_model"]!.GetValue<string>(),
            ["num_classes"] = numClasses,
            ["model_args"] = modelArgs,
            ["pretrained_cfg"] = pretrainedCfg,
        });
        File.Copy(Path.Combine(FixtureDir(fixtureCase), "weights_timm.safetensors"), Path.Combine(folder, "model.safetensors"));
        return folder;
    }

    public static JsonObject BitProcessor() => new()
    {
        ["image_processor_type"] = "BitImageProcessor",
        ["do_resize"] = true,
        ["size"] = new JsonObject { ["shortest_edge"] = 256 },
        ["resample"] = 3,
        ["do_center_crop"] = true,
        ["crop_size"] = new JsonObject { ["height"] = 224, ["width"] = 224 },
        ["do_rescale"] = true,
        ["rescale_factor"] = 0.00392156862745098,
        ["do_normalize"] = true,
        ["image_mean"] = new JsonArray(0.485, 0.456, 0.406),
        ["image_std"] = new JsonArray(0.229, 0.224, 0.225),
    };

    public static JsonObject TimmPretrainedCfg(int inputSize, double cropPct) => new()
    {
        ["input_size"] = new JsonArray(3, inputSize, inputSize),
        ["interpolation"] = "bicubic",
        ["crop_pct"] = cropPct,
        ["crop_mode"] = "center",
        ["mean"] = new JsonArray(0.485, 0.456, 0.406),
        ["std"] = new JsonArray(0.229, 0.224, 0.225),
    };

    /// <summary>Splits a safetensors file into shards plus a Hugging Face <c>model.safetensors.index.json</c>.</summary>
    private static void WriteSharded(string source, string folder, int shards)
    {
        using var scope = torch.NewDisposeScope();
        using var reader = SafeTensorsReader.Open(source);
        var all = reader.ReadAll();
        var names = all.Keys.ToList();
        var weightMap = new JsonObject();
        var perShard = (names.Count + shards - 1) / shards;
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = names.Skip(s * perShard).Take(perShard).ToDictionary(n => n, n => all[n]);
            SafeTensorsWriter.Write(Path.Combine(folder, file), part);
            foreach (var name in part.Keys)
            {
                weightMap[name] = file;
            }
        }
        WriteJson(folder, "model.safetensors.index.json", new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = weightMap });
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over cleanup.
        }
    }
}
