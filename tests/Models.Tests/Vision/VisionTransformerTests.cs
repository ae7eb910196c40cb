using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Vision.VisionTransformerFixture;

namespace Pipeline.Models.Tests.Vision;

/// <summary>The DINOv2 ViT against timm's outputs on the dinov2_tiny and dinov2_reg_tiny fixtures, from all three weight namings.</summary>
public sealed class VisionTransformerTests(ITestOutputHelper output)
{
    public static TheoryData<string, CheckpointNaming> Cases => new()
    {
        { "dinov2_tiny", CheckpointNaming.Timm },
        { "dinov2_tiny", CheckpointNaming.HuggingFace },
        { "dinov2_tiny", CheckpointNaming.Original },
        { "dinov2_reg_tiny", CheckpointNaming.Timm },
        { "dinov2_reg_tiny", CheckpointNaming.HuggingFace },
        { "dinov2_reg_tiny", CheckpointNaming.Original },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTimmOnFixture(string fixtureCase, CheckpointNaming naming)
    {
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase);
        var file = naming switch
        {
            CheckpointNaming.Timm => "weights_timm.safetensors",
            CheckpointNaming.HuggingFace => "weights_hf.safetensors",
            _ => "weights_orig.safetensors",
        };
        var state = config.ToTimmNames(F.Read(fixtureCase, file), naming);
        // Only the timm file carries the 7-class head; the others are headless backbones.
        var numClasses = naming == CheckpointNaming.Timm ? F.NumClasses : 0;
        using var model = config.Create(numClasses, device: null);
        StateDictLoader.LoadStrict(model, state);
        model.eval();
        var input = F.Read(fixtureCase, "input.safetensors")["pixel_values"];
        var expected = F.Read(fixtureCase, "expected.safetensors");
        using var _ = inference_mode();

        var features = model.forward_features(input);
        var pooled = model.forward_head(features, pre_logits: true);
        var patches = model.patch_tokens(features);
        var diffs = new Dictionary<string, double>
        {
            ["features"] = F.MaxAbsDiff(features, expected["features"]),
            ["pooled"] = F.MaxAbsDiff(pooled, expected["pooled"]),
            ["patch_tokens"] = F.MaxAbsDiff(patches, expected["patch_tokens"]),
        };
        if (numClasses > 0)
        {
            diffs["logits"] = F.MaxAbsDiff(model.forward(input), expected["logits"]);
        }
        else
        {
            // Without a head the full forward is the pooled embedding (timm's num_classes=0).
            diffs["forward"] = F.MaxAbsDiff(model.forward(input), expected["pooled"]);
        }
        output.WriteLine($"{fixtureCase} {naming}: {string.Join(", ", diffs.Select(d => $"{d.Key} {d.Value:G3}"))}");
        foreach (var (what, diff) in diffs)
        {
            Assert.True(diff <= F.Tolerance, $"{fixtureCase} {naming} {what}: expected max |diff| <= {F.Tolerance:G3}, seen {diff:G3}");
        }
    }

    [Theory]
    [InlineData("dinov2_tiny")]
    [InlineData("dinov2_reg_tiny")]
    public void InBfloat16TheEmbeddingStaysWithTimmsFloat32One(string fixtureCase)
    {
        // bfloat16 attention runs as two matrix products (not the fused kernel): the embedding must still be timm's,
        // to bfloat16's precision (8 bits of mantissa, so about 1e-2 relative per value).
        using var scope = NewDisposeScope();
        var config = F.Config(fixtureCase);
        var state = config.ToTimmNames(F.Read(fixtureCase, "weights_timm.safetensors"), CheckpointNaming.Timm);
        using var model = config.Create(F.NumClasses, device: null);
        StateDictLoader.LoadStrict(model, state);
        model.eval();
        model.to(ScalarType.BFloat16);
        var input = F.Read(fixtureCase, "input.safetensors")["pixel_values"];
        var expected = F.Read(fixtureCase, "expected.safetensors")["pooled"];
        using var _ = inference_mode();

        var pooled = model.forward_head(model.forward_features(input.to(ScalarType.BFloat16)), pre_logits: true).to(ScalarType.Float32);
        var cosine = nn.functional.cosine_similarity(pooled, expected, dim: 1);
        double worst = cosine.min().item<float>();
        double relative = ((pooled - expected).norm() / expected.norm()).item<float>();
        output.WriteLine($"{fixtureCase} bfloat16: worst cosine to timm float32 {worst:F5}, relative L2 {relative:G3}");
        Assert.True(worst > 0.999, $"{fixtureCase} bfloat16: cosine to timm's float32 embedding {worst:F5}, expected > 0.999");
        Assert.True(relative < 0.03, $"{fixtureCase} bfloat16: relative L2 difference {relative:G3}, expected < 0.03");
    }

    [Theory]
    [InlineData("dinov2_tiny")]
    [InlineData("dinov2_reg_tiny")]
    public void PoolingOptionsUsePatchTokensOnly(string fixtureCase)
    {
        using var scope = NewDisposeScope();
        var expected = F.Read(fixtureCase, "expected.safetensors");
        var features = expected["features"];
        var cls = expected["pooled"];
        var patchMean = expected["patch_tokens"].mean([1]);
        var prefix = fixtureCase == "dinov2_reg_tiny" ? 5 : 1;
        Assert.Equal(prefix, F.Config(fixtureCase).NumPrefixTokens);

        using var mean = (F.Config(fixtureCase) with { Pooling = ViTPooling.Mean }).Create(0, device: null);
        using var clsMean = (F.Config(fixtureCase) with { Pooling = ViTPooling.ClsMean }).Create(3, device: null);
        Assert.Equal(48, mean.num_features);
        Assert.Equal(96, clsMean.num_features);
        F.AssertClose(patchMean, mean.forward_head(features, pre_logits: true), "mean pooling", 1e-6);
        F.AssertClose(cat([cls, patchMean], 1), clsMean.forward_head(features, pre_logits: true), "cls+mean pooling", 1e-6);
        // The registers are not averaged: including them would change the mean.
        var withRegisters = features.narrow(1, 1, features.shape[1] - 1).mean([1]);
        if (prefix > 1)
        {
            Assert.True(F.MaxAbsDiff(withRegisters, patchMean) > 1e-3, "register tokens should differ from patch tokens in the fixture");
        }
        Assert.Equal([2L, 3L], clsMean.forward_head(features).shape);
    }

    [Fact]
    public void IntermediatesMatchPatchEmbedAndPositions()
    {
        // Where a port diverges first: the position table the model adds (reg: patches only, class folded in cls).
        using var scope = NewDisposeScope();
        var config = F.Config("dinov2_reg_tiny");
        var state = config.ToTimmNames(F.Read("dinov2_reg_tiny", "weights_orig.safetensors"), CheckpointNaming.Original);
        var intermediates = F.Read("dinov2_reg_tiny", "intermediates.safetensors");
        F.AssertClose(intermediates["pos_embed_used"], state["pos_embed"], "pos_embed_used (folded from the original file)", 0);
        var timm = F.Read("dinov2_reg_tiny", "weights_timm.safetensors");
        F.AssertClose(timm["cls_token"], state["cls_token"], "cls_token folded from the original file", 0);
    }

    [Fact]
    public void RejectsPoolingThatNeedsAMissingClassToken()
    {
        var config = F.Config("dinov2_tiny") with { ClassToken = false, NoEmbedClass = true };
        var error = Assert.Throws<ArgumentException>(() => config.Create(0, device: null));
        Assert.Contains("class token", error.Message);
    }
}
