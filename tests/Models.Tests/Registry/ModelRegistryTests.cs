using Pipeline.Models.Registry;

namespace Pipeline.Models.Tests.Registry;

/// <summary>Bare timm architecture names resolve to timm's default tag; unknown names are refused with suggestions.</summary>
public sealed class ModelRegistryTests
{
    /// <summary>
    /// timm 1.0.28's default tag of every architecture in the registry, with its pretrained_cfg eval preprocessing
    /// (input size, crop_pct, mean, crop_mode; all bicubic). The default is <c>DefaultCfg.tags[0]</c>
    /// (<c>timm/models/_pretrained.py</c>) as <c>generate_default_cfgs</c> (<c>timm/models/_registry.py</c>) orders it:
    /// the first tag in the file's <c>default_cfgs</c> that has weights. Read from the timm-1.0.28 sdist:
    /// <c>timm/models/convnext.py</c> lines 738-950, <c>timm/models/vision_transformer.py</c> lines 2000-2045,
    /// <c>timm/models/efficientnet.py</c> lines 1515-1829.
    /// </summary>
    public static TheoryData<string, string, int, double, bool, bool> TimmDefaults() => new()
    {
        // architecture, default tag, input size, crop_pct, inception mean/std (else ImageNet), crop_mode squash
        { "convnext_tiny", "convnext_tiny.in12k_ft_in1k", 224, 0.95, false, false },                      // convnext.py:738
        { "convnext_small", "convnext_small.in12k_ft_in1k", 224, 0.95, false, false },                    // convnext.py:741
        { "convnext_base", "convnext_base.fb_in22k_ft_in1k", 224, 0.875, false, false },                  // convnext.py:829
        { "convnext_large", "convnext_large.fb_in22k_ft_in1k", 224, 0.875, false, false },                // convnext.py:833
        { "convnext_xlarge", "convnext_xlarge.fb_in22k_ft_in1k", 224, 0.875, false, false },              // convnext.py:837
        { "convnextv2_nano", "convnextv2_nano.fcmae_ft_in22k_in1k", 224, 0.875, false, false },           // convnext.py:901
        { "convnextv2_tiny", "convnextv2_tiny.fcmae_ft_in22k_in1k", 224, 0.875, false, false },           // convnext.py:909
        { "convnextv2_base", "convnextv2_base.fcmae_ft_in22k_in1k", 224, 0.875, false, false },           // convnext.py:917
        { "convnextv2_large", "convnextv2_large.fcmae_ft_in22k_in1k", 224, 0.875, false, false },         // convnext.py:925
        { "convnextv2_huge", "convnextv2_huge.fcmae_ft_in22k_in1k_384", 384, 1.0, false, true },          // convnext.py:933
        { "convnextv2_atto", "convnextv2_atto.fcmae_ft_in1k", 224, 0.875, false, false },                 // convnext.py:942
        { "convnextv2_femto", "convnextv2_femto.fcmae_ft_in1k", 224, 0.875, false, false },               // convnext.py:946
        { "convnextv2_pico", "convnextv2_pico.fcmae_ft_in1k", 224, 0.875, false, false },                 // convnext.py:950
        { "vit_small_patch14_dinov2", "vit_small_patch14_dinov2.lvd142m", 518, 1.0, false, false },       // vision_transformer.py:2000
        { "vit_base_patch14_dinov2", "vit_base_patch14_dinov2.lvd142m", 518, 1.0, false, false },         // vision_transformer.py:2006
        { "vit_large_patch14_dinov2", "vit_large_patch14_dinov2.lvd142m", 518, 1.0, false, false },       // vision_transformer.py:2012
        { "vit_giant_patch14_dinov2", "vit_giant_patch14_dinov2.lvd142m", 518, 1.0, false, false },       // vision_transformer.py:2018
        { "vit_small_patch14_reg4_dinov2", "vit_small_patch14_reg4_dinov2.lvd142m", 518, 1.0, false, false }, // vision_transformer.py:2026
        { "vit_base_patch14_reg4_dinov2", "vit_base_patch14_reg4_dinov2.lvd142m", 518, 1.0, false, false },   // vision_transformer.py:2032
        { "vit_large_patch14_reg4_dinov2", "vit_large_patch14_reg4_dinov2.lvd142m", 518, 1.0, false, false }, // vision_transformer.py:2038
        { "vit_giant_patch14_reg4_dinov2", "vit_giant_patch14_reg4_dinov2.lvd142m", 518, 1.0, false, false }, // vision_transformer.py:2044
        { "efficientnetv2_rw_t", "efficientnetv2_rw_t.ra2_in1k", 224, 1.0, false, false },                // efficientnet.py:1515
        { "efficientnetv2_rw_s", "efficientnetv2_rw_s.ra2_in1k", 288, 1.0, false, false },                // efficientnet.py:1523
        { "efficientnetv2_rw_m", "efficientnetv2_rw_m.agc_in1k", 320, 1.0, false, false },                // efficientnet.py:1527
        { "tf_efficientnetv2_s", "tf_efficientnetv2_s.in21k_ft_in1k", 300, 1.0, true, false },            // efficientnet.py:1759
        { "tf_efficientnetv2_m", "tf_efficientnetv2_m.in21k_ft_in1k", 384, 1.0, true, true },             // efficientnet.py:1764
        { "tf_efficientnetv2_l", "tf_efficientnetv2_l.in21k_ft_in1k", 384, 1.0, true, true },             // efficientnet.py:1769
        { "tf_efficientnetv2_b0", "tf_efficientnetv2_b0.in1k", 192, 0.875, false, false },                // efficientnet.py:1817
        { "tf_efficientnetv2_b1", "tf_efficientnetv2_b1.in1k", 192, 0.882, false, false },                // efficientnet.py:1821
        { "tf_efficientnetv2_b2", "tf_efficientnetv2_b2.in1k", 208, 0.890, false, false },                // efficientnet.py:1825
        { "tf_efficientnetv2_b3", "tf_efficientnetv2_b3.in21k_ft_in1k", 240, 0.9, true, true },           // efficientnet.py:1829
    };

    [Fact]
    public void EveryArchitectureHasTimmsDefaultTagAndNoOther()
    {
        var expected = TimmDefaults().Select(row => ((string)row[0], (string)row[1])).OrderBy(r => r.Item1, StringComparer.Ordinal).ToArray();
        var seen = ModelRegistry.Architectures.Select(a => (a.Name, a.Default.Name)).ToArray();
        Assert.True(expected.SequenceEqual(seen),
            $"expected the architectures and default tags of timm 1.0.28:\n  {string.Join("\n  ", expected)}\nseen:\n  {string.Join("\n  ", seen)}");
    }

    [Theory]
    [MemberData(nameof(TimmDefaults))]
    public void BareArchitectureResolvesToTimmsDefaultTagWithItsPreprocessing(string architecture, string tag, int inputSize, double cropPct, bool inception, bool squash)
    {
        Assert.Equal(tag, ModelRegistry.DefaultTag(architecture));
        Assert.Equal(tag, ModelRegistry.DefaultTag(architecture.ToUpperInvariant()));
        Assert.True(ModelRegistry.TryGet(architecture, out var bare), $"expected '{architecture}' to resolve, it did not");
        Assert.Same(ModelRegistry.Get(tag), bare);

        var p = bare.Preprocess;
        // timm's eval transform: shorter side floor(input / crop_pct), centre crop input, offsets rounded half-to-even.
        var expected = ((int)Math.Floor(inputSize / cropPct), inputSize, inputSize, Interpolation.Bicubic, CropRounding.RoundHalfToEven, squash);
        Assert.Equal(expected, (p.ResizeShortestEdge, p.CropHeight, p.CropWidth, p.Interpolation, p.CropRounding, p.Squash));
        Assert.Equal(inception ? PreprocessConfig.InceptionMean : PreprocessConfig.ImageNetMean, p.Mean);
        Assert.Equal(inception ? PreprocessConfig.InceptionStd : PreprocessConfig.ImageNetStd, p.Std);
        Assert.Equal(CheckpointNaming.Timm, bare.Naming);
    }

    [Fact]
    public void ArchitecturesListEveryTimmTagOnceWithTheDefaultFirst()
    {
        var timmTags = ModelRegistry.All.Where(v => v.Naming == CheckpointNaming.Timm && !v.Name.Contains('/', StringComparison.Ordinal)).Select(v => v.Name).Order(StringComparer.Ordinal);
        var listed = ModelRegistry.Architectures.SelectMany(a => a.Variants).Select(v => v.Name).Order(StringComparer.Ordinal);
        Assert.Equal(timmTags, listed);
        foreach (var a in ModelRegistry.Architectures)
        {
            Assert.Same(a.Default, a.Variants[0]);
            Assert.All(a.Variants, v => Assert.StartsWith(a.Name + ".", v.Name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void FullNamesAndHubIdsStillResolveToThemselves()
    {
        Assert.Equal("convnext_tiny.fb_in22k_ft_in1k", ModelRegistry.Get("convnext_tiny.fb_in22k_ft_in1k").Name);
        Assert.Equal("facebook/dinov2-base", ModelRegistry.Get("FACEBOOK/dinov2-base").Name);
        Assert.False(ModelRegistry.TryGetDefaultTag("facebook/dinov2-base", out _));
    }

    [Fact]
    public void UnknownNamesAreRefusedWithTheClosestNames()
    {
        var typo = Assert.Throws<KeyNotFoundException>(() => ModelRegistry.Get("convnext_tiyn"));
        Assert.True(typo.Message.Contains("Unknown model 'convnext_tiyn'", StringComparison.Ordinal) && typo.Message.Contains("'convnext_tiny'", StringComparison.Ordinal),
            $"expected the message to name the model and suggest 'convnext_tiny', seen: {typo.Message}");

        var tag = Assert.Throws<KeyNotFoundException>(() => ModelRegistry.Get("convnext_tiny.in22k"));
        Assert.True(tag.Message.Contains("tags of convnext_tiny (default first): convnext_tiny.in12k_ft_in1k,", StringComparison.Ordinal),
            $"expected the known tags of convnext_tiny, default first, seen: {tag.Message}");

        Assert.Contains("vit_small_patch14_dinov2", ModelRegistry.Suggest("vit_small_patch14_dinov"));
        Assert.Contains("vit_small_patch14_dinov2", ModelRegistry.Suggest("small_patch14_dinov2"));
        Assert.Empty(ModelRegistry.Suggest("resnet50"));
        Assert.Equal("", ModelRegistry.Hint("resnet50"));
        Assert.False(ModelRegistry.TryGet("resnet50", out _));
        Assert.False(ModelRegistry.TryGet("convnext", out _));
        var unknown = Assert.Throws<KeyNotFoundException>(() => ModelRegistry.DefaultTag("convnext_tiny.fb_in1k"));
        Assert.Contains("Unknown timm architecture", unknown.Message, StringComparison.Ordinal);
    }
}
