using System.Text.Json.Nodes;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Loading;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Loading;

/// <summary>Model folders in every layout, written from the fixture weights, resolve and load to the fixture's outputs.</summary>
public sealed class BackboneFactoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly ModelFolderBuilder _folders = new();

    public void Dispose() => _folders.Dispose();

    [Theory]
    [InlineData("dinov2_tiny", 1)]
    [InlineData("dinov2_reg_tiny", 1)]
    [InlineData("dinov2_tiny", 3)]
    [InlineData("convnext_v1_tiny", 1)]
    public void HuggingFaceFolderLoadsToTheFixtureOutputs(string fixtureCase, int shards)
    {
        var processor = fixtureCase.StartsWith("convnext", StringComparison.Ordinal)
            ? new JsonObject { ["image_processor_type"] = "ConvNextImageProcessor", ["size"] = new JsonObject { ["shortest_edge"] = 224 }, ["crop_pct"] = 0.875, ["resample"] = 3 }
            : ModelFolderBuilder.BitProcessor();
        var folder = _folders.HuggingFaceFolder(fixtureCase, processor, shards);
        var resolved = ModelResolver.Resolve(folder, weights: null);
        Assert.Equal(CheckpointNaming.HuggingFace, resolved.Naming);
        Assert.EndsWith(shards == 1 ? "model.safetensors" : "model.safetensors.index.json", resolved.WeightsPath);
        AssertMatchesFixture(resolved, fixtureCase, $"HF folder ({shards} shard(s))");
    }

    [Theory]
    [InlineData("dinov2_tiny", "vit", 1e-5)]
    [InlineData("dinov2_reg_tiny", "vit", 1e-5)]
    [InlineData("convnext_v1_tiny", "convnext", 1e-5)]
    [InlineData("efficientnetv2_tiny", "efficientnetv2", 5e-5)]
    public void TimmFolderLoadsToTheFixtureOutputs(string fixtureCase, string family, double tolerance)
    {
        var inputSize = ModelFolderBuilder.FixtureConfig(fixtureCase)["input_shape"]![2]!.GetValue<int>();
        var folder = _folders.TimmFolder(fixtureCase, ModelFolderBuilder.TimmPretrainedCfg(inputSize, 1.0));
        var resolved = ModelResolver.Resolve(folder, weights: null);
        Assert.Equal(CheckpointNaming.Timm, resolved.Naming);
        Assert.Equal(7, resolved.NumClasses);
        Assert.Equal(family, resolved.Architecture.Family);
        AssertMatchesFixture(resolved, fixtureCase, "timm folder", tolerance);
    }

    [Theory]
    [InlineData("dinov2_tiny", "weights_orig.safetensors", CheckpointNaming.Original)]
    [InlineData("dinov2_reg_tiny", "weights_hf.safetensors", CheckpointNaming.HuggingFace)]
    public void WeightsOverrideIsDetectedByItsNames(string fixtureCase, string file, CheckpointNaming naming)
    {
        // A timm folder whose --weights points at another naming scheme: the names decide the key map.
        var inputSize = ModelFolderBuilder.FixtureConfig(fixtureCase)["input_shape"]![2]!.GetValue<int>();
        var folder = _folders.TimmFolder(fixtureCase, ModelFolderBuilder.TimmPretrainedCfg(inputSize, 1.0));
        var config = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["num_classes"] = 0;
        File.WriteAllText(config, json.ToJsonString());
        var resolved = ModelResolver.Resolve(folder, Path.Combine(ModelFolderBuilder.FixtureDir(fixtureCase), file));
        Assert.Equal(naming, resolved.Naming);
        Assert.Equal(0, resolved.NumClasses);
        AssertMatchesFixture(resolved, fixtureCase, $"timm folder + {file}");
    }

    [Fact]
    public void RegistryNameWithRandomWeightsBuildsTheRealSize()
    {
        var resolved = ModelResolver.Resolve("facebook/dinov2-small", ModelResolver.RandomWeights);
        Assert.Null(resolved.WeightsPath);
        var backbone = BackboneFactory.Load(resolved);
        using var module = backbone.AsModule();
        Assert.False(module.training, "expected the loaded backbone in eval mode");
        Assert.Equal(384, backbone.num_features);
        Assert.Equal(22_056_192L, module.parameters().Sum(p => p.numel()));
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var features = backbone.forward_features(randn(1, 3, 56, 56));
        Assert.Equal([1L, 17L, 384L], features.shape);
    }

    [Fact]
    public void WrongSizedWeightsFailNamingTheKeys()
    {
        var resolved = ModelResolver.Resolve("vit_small_patch14_dinov2.lvd142m", Path.Combine(ModelFolderBuilder.FixtureDir("dinov2_tiny"), "weights_timm.safetensors"));
        var error = Assert.Throws<InvalidDataException>(() => BackboneFactory.Load(resolved));
        Assert.Contains("pos_embed", error.Message);
        Assert.Contains("head.weight", error.Message);
    }

    private void AssertMatchesFixture(ResolvedModel resolved, string fixtureCase, string what, double tolerance = 1e-5)
    {
        using var scope = NewDisposeScope();
        var backbone = BackboneFactory.Load(resolved);
        using var module = backbone.AsModule();
        Assert.False(module.training, "expected the loaded backbone in eval mode");
        using var inputs = SafeTensorsReader.Open(Path.Combine(ModelFolderBuilder.FixtureDir(fixtureCase), "input.safetensors"));
        using var expectedFile = SafeTensorsReader.Open(Path.Combine(ModelFolderBuilder.FixtureDir(fixtureCase), "expected.safetensors"));
        var pixels = inputs.ReadTensor("pixel_values");
        using var _ = inference_mode();
        var features = backbone.forward_features(pixels);
        var pooled = backbone.forward_head(features, pre_logits: true);
        var diffs = new List<(string Name, double Diff)> { ("pooled", MaxAbsDiff(pooled, expectedFile.ReadTensor("pooled"))) };
        if (resolved.NumClasses > 0)
        {
            diffs.Add(("logits", MaxAbsDiff(backbone.forward_head(features), expectedFile.ReadTensor("logits"))));
        }
        output.WriteLine($"{fixtureCase} {what}: {string.Join(", ", diffs.Select(d => $"{d.Name} max |diff| {d.Diff:G3}"))}");
        foreach (var (name, diff) in diffs)
        {
            Assert.True(diff <= tolerance, $"{fixtureCase} {what} {name}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
        }
    }

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.True(a.shape.SequenceEqual(b.shape), $"shape: expected [{string.Join(", ", b.shape)}], seen [{string.Join(", ", a.shape)}]");
        using var d = (a - b).abs().max();
        return d.item<float>();
    }
}
