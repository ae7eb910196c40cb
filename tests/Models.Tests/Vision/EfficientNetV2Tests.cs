using System.Text.Json;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;

namespace Pipeline.Models.Tests.Vision;

public sealed class EfficientNetV2Tests(ITestOutputHelper output)
{
    private const string Case = "efficientnetv2_tiny";
    private const double Tolerance = 5e-5;

    [Fact]
    public void MatchesTimmOutputs()
    {
        using var model = LoadFixtureModel();
        output.WriteLine(ConvNetFixtures.AssertMatchesExpected(model, Case, Tolerance, ""));
    }

    [Fact]
    public void StagesMatchTimmIntermediates()
    {
        using var model = LoadFixtureModel();
        var input = ConvNetFixtures.Read(Case, "input.safetensors");
        var expected = ConvNetFixtures.Read(Case, "intermediates.safetensors");
        var children = model.named_children().ToDictionary(c => c.name, c => (torch.nn.Module<torch.Tensor, torch.Tensor>)c.module);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = children["bn1"].forward(children["conv_stem"].forward(input["pixel_values"]));
        var diffs = new List<string> { $"stem {ConvNetFixtures.MaxAbsDiff(expected["stem"], x, "stem"):E2}" };
        var worst = ConvNetFixtures.MaxAbsDiff(expected["stem"], x, "stem");
        foreach (var (name, stage) in ((torch.nn.Module)children["blocks"]).named_children())
        {
            x = ((torch.nn.Module<torch.Tensor, torch.Tensor>)stage).forward(x);
            var d = ConvNetFixtures.MaxAbsDiff(expected[$"blocks.{name}"], x, $"blocks.{name}");
            diffs.Add($"blocks.{name} {d:E2}");
            worst = Math.Max(worst, d);
        }
        var head = children["conv_head"].forward(x);
        var dHead = ConvNetFixtures.MaxAbsDiff(expected["conv_head"], head, "conv_head");
        diffs.Add($"conv_head {dHead:E2}");
        worst = Math.Max(worst, dHead);
        output.WriteLine(string.Join(", ", diffs));
        Assert.True(worst <= Tolerance, $"expected every stage within {Tolerance:E0}, seen {string.Join(", ", diffs)}");
        ConvNetFixtures.Dispose(input.Values.Concat(expected.Values));
    }

    [Fact]
    public void DecodedBlocksMatchFixtureStructure()
    {
        var fixture = ConvNetFixtures.Config(Case);
        var config = EfficientNetV2Config.FromTimm(fixture.GetProperty("timm_model").GetString()!, fixture.GetProperty("timm_kwargs"));
        var facts = fixture.GetProperty("model_facts");
        Assert.Equal(facts.GetProperty("stem").GetProperty("out_chs").GetInt32(), config.StemChannels);
        Assert.Equal(facts.GetProperty("num_features").GetInt32(), config.NumFeatures);
        Assert.Equal(facts.GetProperty("bn_eps").GetDouble(), config.BnEps);
        Assert.True(config.TfSamePadding);

        var stages = config.Blocks();
        var decoded = stages.SelectMany((stage, s) => stage.Select((b, i) => ($"blocks.{s}.{i}", b))).ToList();
        var expected = facts.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(expected.Count, decoded.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var (name, b) = decoded[i];
            Assert.Equal(e.GetProperty("name").GetString(), name);
            var type = e.GetProperty("type").GetString() switch
            {
                "ConvBnAct" => EfficientNetBlockType.ConvBnAct,
                "EdgeResidual" => EfficientNetBlockType.EdgeResidual,
                _ => EfficientNetBlockType.InvertedResidual,
            };
            var seen = (b.Type, b.InChannels, b.OutChannels, b.KernelSize, b.Stride, b.HasSkip);
            Assert.Equal((type, e.GetProperty("in_chs").GetInt32(), e.GetProperty("out_chs").GetInt32(),
                e.GetProperty("k").GetInt32(), e.GetProperty("stride").GetInt32(), e.GetProperty("has_skip").GetBoolean()), seen);
            if (e.TryGetProperty("mid_chs", out var mid))
            {
                Assert.Equal(mid.GetInt32(), b.MidChannels);
            }
            Assert.Equal(e.TryGetProperty("se_rd_chs", out var se) ? se.GetInt32() : 0, b.SeChannels);
        }
    }

    [Fact]
    public void ModuleKeysEqualTimmCheckpointKeys()
    {
        var fixture = ConvNetFixtures.Config(Case);
        var config = EfficientNetV2Config.FromTimm("tf_efficientnetv2_s", fixture.GetProperty("timm_kwargs"));
        using var model = config.Create(7, torch.device("meta"));
        var raw = ConvNetFixtures.Read(Case, "weights_timm.safetensors");
        var moduleShapes = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape));
        var fileShapes = raw.ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape));
        ConvNetFixtures.Dispose(raw.Values);
        Assert.Equal(fileShapes.OrderBy(kv => kv.Key, StringComparer.Ordinal), moduleShapes.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(64, 1, 0)]
    [InlineData(65, 2, 1)]
    [InlineData(300, 1, 0)]
    [InlineData(301, 2, 1)]
    public void SamePaddingFollowsTensorFlow(long size, long expectedK3, long expectedK2)
    {
        // TF "SAME", stride 2: pad_total = max((ceil(in / 2) - 1) * 2 + k - in, 0); stride-1 k3 always pads 2.
        Assert.Equal(expectedK3, Pipeline.Models.Vision.Layers.Conv2dSame.SamePadding(size, 3, 2));
        Assert.Equal(expectedK2, Pipeline.Models.Vision.Layers.Conv2dSame.SamePadding(size, 2, 2));
        Assert.Equal(2, Pipeline.Models.Vision.Layers.Conv2dSame.SamePadding(size, 3, 1));
    }

    [Fact]
    public void SymmetricPaddingChangesTheResult()
    {
        // The same weights under PyTorch padding (efficientnetv2_s) must differ from the tf_ port by a wide margin.
        var fixture = ConvNetFixtures.Config(Case);
        using var args = JsonDocument.Parse("""{"channel_multiplier": 0.2, "depth_multiplier": 0.3, "bn_eps": 0.001}""");
        var config = EfficientNetV2Config.FromTimm("efficientnetv2_s", args.RootElement);
        Assert.False(config.TfSamePadding);
        using var model = config.Create(fixture.GetProperty("num_classes").GetInt32(), device: null);
        var raw = ConvNetFixtures.Read(Case, "weights_timm.safetensors");
        StateDictLoader.LoadStrict(model, config.ToTimmNames(raw, CheckpointNaming.Timm));
        ConvNetFixtures.Dispose(raw.Values);
        model.eval();
        var input = ConvNetFixtures.Read(Case, "input.safetensors");
        var expected = ConvNetFixtures.Read(Case, "expected.safetensors");
        using var noGrad = torch.no_grad();
        using var features = model.forward_features(input["pixel_values"]);
        var d = ConvNetFixtures.MaxAbsDiff(expected["features"], features, "features");
        Assert.True(d > 0.1, $"expected symmetric padding to move features by > 0.1, seen {d:E2}");
        ConvNetFixtures.Dispose(input.Values.Concat(expected.Values));
    }

    [Fact]
    public void RejectsWhatItCannotBuild()
    {
        Assert.Throws<ArgumentException>(() => EfficientNetV2Config.FromTimm("tf_efficientnetv2_q", null));
        Assert.Throws<ArgumentException>(() => EfficientNetV2Config.FromTimm("efficientnetv2_b0", null));
        var s = EfficientNetV2Config.FromTimm("tf_efficientnetv2_s.in21k_ft_in1k", null);
        using var t = torch.zeros(1);
        Assert.Throws<NotSupportedException>(() => s.ToTimmNames(new Dictionary<string, torch.Tensor> { ["x"] = t }, CheckpointNaming.HuggingFace));
        using var group = JsonDocument.Parse("""{"group_size": 8}""");
        Assert.Throws<NotSupportedException>(() => EfficientNetV2Config.FromTimm("tf_efficientnetv2_s", group.RootElement));
    }

    private static EfficientNetV2 LoadFixtureModel()
    {
        var fixture = ConvNetFixtures.Config(Case);
        var config = EfficientNetV2Config.FromTimm(fixture.GetProperty("timm_model").GetString()!, fixture.GetProperty("timm_kwargs"));
        var model = config.Create(fixture.GetProperty("num_classes").GetInt32(), device: null);
        var raw = ConvNetFixtures.Read(Case, "weights_timm.safetensors");
        StateDictLoader.LoadStrict(model, config.ToTimmNames(raw, CheckpointNaming.Timm));
        ConvNetFixtures.Dispose(raw.Values);
        model.eval();
        return model;
    }
}
