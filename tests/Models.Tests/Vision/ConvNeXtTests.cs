using System.Text.Json;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;

namespace Pipeline.Models.Tests.Vision;

public sealed class ConvNeXtTests(ITestOutputHelper output)
{
    private const string Case = "convnext_v1_tiny";
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(CheckpointNaming.Timm, "weights_timm.safetensors")]
    [InlineData(CheckpointNaming.HuggingFace, "weights_hf.safetensors")]
    [InlineData(CheckpointNaming.Original, "weights_orig.safetensors")]
    public void MatchesTimmOutputs(CheckpointNaming naming, string weightsFile)
    {
        var fixture = ConvNetFixtures.Config(Case);
        var config = naming == CheckpointNaming.HuggingFace
            ? ConvNeXtConfig.FromHuggingFace(fixture.GetProperty("hf_config"))
            : ConvNeXtConfig.FromTimm(fixture.GetProperty("timm_model").GetString()!, fixture.GetProperty("timm_kwargs"));
        var numClasses = fixture.GetProperty("num_classes").GetInt32();

        using var model = config.Create(numClasses, device: null);
        var raw = ConvNetFixtures.Read(Case, weightsFile);
        var state = config.ToTimmNames(raw, naming);
        StateDictLoader.LoadStrict(model, state);
        ConvNetFixtures.Dispose(raw.Values.Concat(state.Values));
        model.eval();

        output.WriteLine(ConvNetFixtures.AssertMatchesExpected(model, Case, Tolerance, $"{naming}: "));
    }

    [Fact]
    public void KeyMapsAgreeWithFixtureKeymap()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ConvNetFixtures.PathOf(Case, "keymap.json")));
        var count = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var timm = entry.GetProperty("timm").GetString()!;
            var hf = entry.GetProperty("hf").GetString()!;
            var orig = entry.GetProperty("orig").GetString()!;
            Assert.Equal(timm, ConvNeXtKeyMap.FromHuggingFace(hf));
            Assert.Equal(timm, ConvNeXtKeyMap.FromOriginal(orig));
            count++;
        }
        Assert.Equal(65, count);
    }

    [Fact]
    public void ModuleKeysEqualTimmCheckpointKeys()
    {
        var fixture = ConvNetFixtures.Config(Case);
        var config = ConvNeXtConfig.FromTimm("convnext_tiny", fixture.GetProperty("timm_kwargs"));
        using var model = config.Create(7, torch.device("meta"));
        var raw = ConvNetFixtures.Read(Case, "weights_timm.safetensors");
        var moduleShapes = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape));
        var fileShapes = raw.ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape));
        ConvNetFixtures.Dispose(raw.Values);
        Assert.Equal(fileShapes.OrderBy(kv => kv.Key, StringComparer.Ordinal), moduleShapes.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void UnknownKeysPassThroughToStrictLoader()
    {
        var config = ConvNeXtConfig.FromTimm("convnext_tiny", null);
        using var t = torch.zeros(3);
        var mapped = config.ToTimmNames(new Dictionary<string, torch.Tensor> { ["convnext.pooler.weird"] = t }, CheckpointNaming.HuggingFace);
        Assert.Equal(["convnext.pooler.weird"], mapped.Keys);
    }

    [Fact]
    public void V2KeyMapsReshapeGrnAndMlpToTimmShapes()
    {
        var atto = ConvNeXtConfig.FromTimm("convnextv2_atto", null);
        Assert.True(atto.ConvMlp);
        using var grn = torch.ones(1, 1, 1, 160);
        using var fc = torch.ones(160, 40);
        var fromOrig = atto.ToTimmNames(new Dictionary<string, torch.Tensor>
        {
            ["stages.0.1.grn.gamma"] = grn,
            ["stages.0.1.pwconv1.weight"] = fc,
        }, CheckpointNaming.Original);
        Assert.Equal([160L], fromOrig["stages.0.blocks.1.mlp.grn.weight"].shape);
        Assert.Equal([160L, 40L, 1L, 1L], fromOrig["stages.0.blocks.1.mlp.fc1.weight"].shape);

        var fromHf = ConvNeXtConfig.FromTimm("convnextv2_tiny", null).ToTimmNames(new Dictionary<string, torch.Tensor>
        {
            ["convnextv2.encoder.stages.2.layers.3.grn.bias"] = grn,
        }, CheckpointNaming.HuggingFace);
        Assert.Equal([160L], fromHf["stages.2.blocks.3.mlp.grn.bias"].shape);
    }

    [Fact]
    public void V2TimmAndHuggingFaceLayoutsComputeTheSame()
    {
        // A small timm-style ConvNeXt V2 (conv_mlp: 1x1-conv-shaped MLP weights, GRN [C]) and the same weights under
        // Hugging Face names and shapes (Linear [out, in], GRN [1, 1, 1, C]) loaded into an HF-configured model.
        using var args = JsonDocument.Parse("""{"depths": [1, 1, 2, 1], "dims": [8, 16, 24, 32]}""");
        var timmConfig = ConvNeXtConfig.FromTimm("convnextv2_atto", args.RootElement);
        Assert.True(timmConfig.ConvMlp && timmConfig.UseGrn && timmConfig.LayerScaleInit is null);
        using var timmModel = timmConfig.Create(5, device: null);
        var generator = new torch.Generator(11);
        var timmState = new Dictionary<string, torch.Tensor>();
        using (torch.no_grad())
        {
            foreach (var (key, value) in timmModel.state_dict())
            {
                var randomised = torch.randn(value.shape, generator: generator) * 0.3f + (key.EndsWith("norm.weight") ? 1f : 0f);
                timmState[key] = randomised;
            }
        }
        StateDictLoader.LoadStrict(timmModel, timmState);

        var hfState = new Dictionary<string, torch.Tensor>();
        foreach (var (key, value) in timmState)
        {
            var hfKey = key
                .Replace("stem.0.", "convnextv2.embeddings.patch_embeddings.")
                .Replace("stem.1.", "convnextv2.embeddings.layernorm.")
                .Replace("head.norm.", "convnextv2.layernorm.")
                .Replace("head.fc.", "classifier.")
                .Replace(".downsample.", ".downsampling_layer.")
                .Replace(".blocks.", ".layers.")
                .Replace(".conv_dw.", ".dwconv.")
                .Replace(".norm.", ".layernorm.")
                .Replace(".mlp.fc1.", ".pwconv1.")
                .Replace(".mlp.fc2.", ".pwconv2.")
                .Replace(".mlp.grn.", ".grn.");
            if (hfKey.StartsWith("stages.", StringComparison.Ordinal))
            {
                hfKey = "convnextv2.encoder." + hfKey;
            }
            var hfValue = key.Contains(".grn.") ? value.reshape(1, 1, 1, -1)
                : key.Contains(".mlp.fc") && value.dim() == 4 ? value.reshape(value.shape[0], value.shape[1])
                : value;
            hfState[hfKey] = hfValue;
        }
        var hfConfig = timmConfig with { ConvMlp = false };
        using var hfModel = hfConfig.Create(5, device: null);
        StateDictLoader.LoadStrict(hfModel, hfConfig.ToTimmNames(hfState, CheckpointNaming.HuggingFace));
        timmModel.eval();
        hfModel.eval();

        using var input = torch.randn([2, 3, 64, 64], generator: generator);
        using var noGrad = torch.no_grad();
        using var a = timmModel.forward(input);
        using var b = hfModel.forward(input);
        var d = ConvNetFixtures.MaxAbsDiff(a, b, "logits");
        Assert.True(d == 0, $"expected identical logits from the two layouts, seen max |diff| {d:E2}");
        using var pooled = timmModel.forward_head(timmModel.forward_features(input), pre_logits: true);
        Assert.Equal([2L, 32L], pooled.shape);
        ConvNetFixtures.Dispose(timmState.Values.Concat(hfState.Values));
    }

    [Fact]
    public void HuggingFaceConfigKeepsItsFinalNormEpsilon()
    {
        using var doc = JsonDocument.Parse("""
            {"model_type": "convnextv2", "hidden_sizes": [40, 80, 160, 320], "depths": [2, 2, 6, 2], "layer_norm_eps": 1e-12}
            """);
        var config = ConvNeXtConfig.FromHuggingFace(doc.RootElement);
        Assert.Equal(1e-12, config.HeadNormEps);
        Assert.Equal(1e-6, config.NormEps);
        Assert.True(config.UseGrn);
        Assert.Null(config.LayerScaleInit);
        Assert.False(config.ConvMlp);

        using var v1 = JsonDocument.Parse("""{"model_type": "convnext", "hidden_sizes": [96, 192, 384, 768], "depths": [3, 3, 9, 3]}""");
        var tiny = ConvNeXtConfig.FromHuggingFace(v1.RootElement);
        Assert.Equal(ConvNeXtConfig.HuggingFaceDefaultLayerNormEps, tiny.HeadNormEps);
        Assert.Equal(1e-6, tiny.LayerScaleInit);
    }

    [Fact]
    public void RejectsWhatItCannotBuild()
    {
        Assert.Throws<ArgumentException>(() => ConvNeXtConfig.FromTimm("convnext_unknown", null));
        using var hnf = JsonDocument.Parse("""{"head_norm_first": true}""");
        Assert.Throws<NotSupportedException>(() => ConvNeXtConfig.FromTimm("convnext_tiny", hnf.RootElement));
        using var vit = JsonDocument.Parse("""{"model_type": "vit"}""");
        Assert.Throws<ArgumentException>(() => ConvNeXtConfig.FromHuggingFace(vit.RootElement));
    }
}
