using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Vision.VisionTransformerFixture;

namespace Pipeline.Models.Tests.Vision;

/// <summary>
/// The three position-table resampling behaviours against goldens made with PyTorch 1.13
/// (Fixtures/vision/vit_resampling/make_goldens.py).
/// </summary>
public sealed class ViTPosEmbedResamplerTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<ViTPosEmbedResampling, string, string, int, int, int, int> TableCases()
    {
        var data = new TheoryData<ViTPosEmbedResampling, string, string, int, int, int, int>();
        foreach (var (mode, tag) in new[] { (ViTPosEmbedResampling.Timm, "timm"), (ViTPosEmbedResampling.Transformers, "hf"), (ViTPosEmbedResampling.Original, "original") })
        {
            data.Add(mode, "table_6x6", $"{tag}_6x6_to_4x4", 6, 6, 4, 4);
            data.Add(mode, "table_6x6", $"{tag}_6x6_to_9x7", 6, 6, 9, 7);
            data.Add(mode, "table_37x37", $"{tag}_37x37_to_16x16", 37, 37, 16, 16);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TableCases))]
    public void ResamplesLikeTheLibrary(ViTPosEmbedResampling mode, string table, string golden, int oldH, int oldW, int newH, int newW)
    {
        using var scope = NewDisposeScope();
        var goldens = F.Read(F.ResamplingGoldens);
        var result = ViTPosEmbedResampler.Resample(goldens[table], (oldH, oldW), (newH, newW), mode);
        var diff = F.MaxAbsDiff(result, goldens[golden]);
        output.WriteLine($"{golden}: max |diff| {diff:G3}");
        Assert.True(diff <= Tolerance, $"{golden}: expected max |diff| <= {Tolerance:G3}, seen {diff:G3}");
    }

    [Fact]
    public void TheThreeBehavioursDiffer()
    {
        using var scope = NewDisposeScope();
        var table = F.Read(F.ResamplingGoldens)["table_37x37"];
        var timm = ViTPosEmbedResampler.Resample(table, (37, 37), (16, 16), ViTPosEmbedResampling.Timm);
        var hf = ViTPosEmbedResampler.Resample(table, (37, 37), (16, 16), ViTPosEmbedResampling.Transformers);
        var original = ViTPosEmbedResampler.Resample(table, (37, 37), (16, 16), ViTPosEmbedResampling.Original);
        Assert.True(F.MaxAbsDiff(timm, hf) > 0.1, "antialiased and plain bicubic should differ when shrinking 37 -> 16");
        Assert.True(F.MaxAbsDiff(hf, original) > 0.1, "the +0.1 scale offset should move the sampling positions");
    }

    public static TheoryData<string, ViTPosEmbedResampling, string> ModelCases()
    {
        var data = new TheoryData<string, ViTPosEmbedResampling, string>();
        foreach (var fixtureCase in new[] { "dinov2_tiny", "dinov2_reg_tiny" })
        {
            data.Add(fixtureCase, ViTPosEmbedResampling.Timm, "timm");
            data.Add(fixtureCase, ViTPosEmbedResampling.Transformers, "hf");
            data.Add(fixtureCase, ViTPosEmbedResampling.Original, "original");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelCases))]
    public void ModelResamplesForAnotherInputSize(string fixtureCase, ViTPosEmbedResampling mode, string tag)
    {
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase) with { PosEmbedResampling = mode };
        using var model = config.Create(F.NumClasses, device: null);
        StateDictLoader.LoadStrict(model, F.Read(fixtureCase, "weights_timm.safetensors"));
        model.eval();
        var goldens = F.Read(F.ResamplingGoldens);
        using var _ = inference_mode();
        var features = model.forward_features(goldens["input_70x84"]);
        var diff = F.MaxAbsDiff(features, goldens[$"{fixtureCase}_{tag}_features_70x84"]);
        output.WriteLine($"{fixtureCase} {tag} 70x84: max |diff| {diff:G3}");
        Assert.True(diff <= Tolerance, $"{fixtureCase} {tag} at 70x84: expected max |diff| <= {Tolerance:G3}, seen {diff:G3}");
        Assert.Equal([2L, 30L, 48L], model.patch_tokens(features).shape);
    }

    [Theory]
    [InlineData(ViTPosEmbedResampling.Timm, "timm")]
    [InlineData(ViTPosEmbedResampling.Original, "original")]
    public void OnlyTheOriginalRepoResamplesANativeGridFromNonSquarePixels(ViTPosEmbedResampling mode, string tag)
    {
        using var scope = NewDisposeScope();
        var config = F.Config("dinov2_tiny") with { PosEmbedResampling = mode };
        using var model = config.Create(F.NumClasses, device: null);
        StateDictLoader.LoadStrict(model, F.Read("dinov2_tiny", "weights_timm.safetensors"));
        model.eval();
        var goldens = F.Read(F.ResamplingGoldens);
        using var _ = inference_mode();
        var features = model.forward_features(goldens["input_56x60"]);
        var diff = F.MaxAbsDiff(features, goldens[$"dinov2_tiny_{tag}_features_56x60"]);
        output.WriteLine($"dinov2_tiny {tag} 56x60: max |diff| {diff:G3}");
        Assert.True(diff <= Tolerance, $"dinov2_tiny {tag} at 56x60: expected max |diff| <= {Tolerance:G3}, seen {diff:G3}");
    }

    [Fact]
    public void RejectsATableThatDoesNotMatchTheGrid()
    {
        using var table = zeros(1, 35, 8);
        var error = Assert.Throws<ArgumentException>(() => ViTPosEmbedResampler.Resample(table, (6, 6), (4, 4), ViTPosEmbedResampling.Timm));
        Assert.Contains("[1, 36, D]", error.Message);
    }
}
