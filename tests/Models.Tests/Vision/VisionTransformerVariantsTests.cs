using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Vision;

/// <summary>Every DINOv2 variant at its real size (on the meta device: nothing is allocated): counts, keys, preprocessing.</summary>
public sealed class VisionTransformerVariantsTests(ITestOutputHelper output)
{
    private static readonly Device Meta = new(DeviceType.META);

    // Width and fc1 / fc2-input widths of the real checkpoints (timm names): g/14 packs two 4096 SwiGLU halves.
    private static readonly Dictionary<string, (int Dim, int Depth, int Fc1Out, int Fc2In)> RealShapes = new()
    {
        ["small"] = (384, 12, 1536, 1536),
        ["base"] = (768, 12, 3072, 3072),
        ["large"] = (1024, 24, 4096, 4096),
        ["giant"] = (1536, 40, 8192, 4096),
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var v in VisionTransformerVariants.All)
        {
            data.Add(v.Name);
        }
        return data;
    }

    [Fact]
    public void TableListsTimmTagsAndHubIds()
    {
        string[] expected =
        [
            "vit_small_patch14_dinov2.lvd142m", "vit_base_patch14_dinov2.lvd142m", "vit_large_patch14_dinov2.lvd142m", "vit_giant_patch14_dinov2.lvd142m",
            "vit_small_patch14_reg4_dinov2.lvd142m", "vit_base_patch14_reg4_dinov2.lvd142m", "vit_large_patch14_reg4_dinov2.lvd142m", "vit_giant_patch14_reg4_dinov2.lvd142m",
            "facebook/dinov2-small", "facebook/dinov2-base", "facebook/dinov2-large", "facebook/dinov2-giant",
            "facebook/dinov2-with-registers-small", "facebook/dinov2-with-registers-base", "facebook/dinov2-with-registers-large", "facebook/dinov2-with-registers-giant",
        ];
        Assert.Equal(expected, VisionTransformerVariants.All.Select(v => v.Name));
        foreach (var name in expected)
        {
            Assert.True(ModelRegistry.TryGet(name, out var variant), $"expected '{name}' in ModelRegistry, not found");
            Assert.Same(variant.Architecture, VisionTransformerVariants.All.Single(v => v.Name == name).Architecture);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ParameterCountAndKeysMatchTheRealCheckpoint(string name)
    {
        var variant = ModelRegistry.Get(name);
        var config = Assert.IsType<VisionTransformerConfig>(variant.Architecture);
        var size = VisionTransformerVariants.Sizes.Single(s => name.Contains(s, StringComparison.Ordinal));
        var registers = config.RegTokens > 0;
        using var model = config.Create(0, Meta);
        var state = model.state_dict();
        var count = state.Values.Sum(t => t.numel());
        var (dim, depth, fc1Out, fc2In) = RealShapes[size];
        // Published figures are for the models without registers; registers add 4 x D (timm folds the class
        // position into cls_token, so its files are 1 x D smaller than the HF/original ones: within 0.01M).
        var published = VisionTransformerVariants.PublishedParamsM[size] + (registers ? 4.0 * dim / 1e6 : 0);
        output.WriteLine($"{name}: {count / 1e6:F4}M parameters (published {published:F2}M)");
        Assert.True(Math.Abs(count / 1e6 - published) <= 0.01, $"{name}: expected {published:F2}M parameters, seen {count / 1e6:F4}M");

        var expected = new Dictionary<string, long[]>
        {
            ["cls_token"] = [1, 1, dim],
            ["pos_embed"] = [1, registers ? 1369 : 1370, dim],
            ["patch_embed.proj.weight"] = [dim, 3, 14, 14],
            ["patch_embed.proj.bias"] = [dim],
            ["norm.weight"] = [dim],
            ["norm.bias"] = [dim],
        };
        if (registers)
        {
            expected["reg_token"] = [1, 4, dim];
        }
        for (var i = 0; i < depth; i++)
        {
            var b = $"blocks.{i}.";
            expected[b + "norm1.weight"] = [dim];
            expected[b + "norm1.bias"] = [dim];
            expected[b + "attn.qkv.weight"] = [3 * dim, dim];
            expected[b + "attn.qkv.bias"] = [3 * dim];
            expected[b + "attn.proj.weight"] = [dim, dim];
            expected[b + "attn.proj.bias"] = [dim];
            expected[b + "ls1.gamma"] = [dim];
            expected[b + "norm2.weight"] = [dim];
            expected[b + "norm2.bias"] = [dim];
            expected[b + "mlp.fc1.weight"] = [fc1Out, dim];
            expected[b + "mlp.fc1.bias"] = [fc1Out];
            expected[b + "mlp.fc2.weight"] = [dim, fc2In];
            expected[b + "mlp.fc2.bias"] = [dim];
            expected[b + "ls2.gamma"] = [dim];
        }
        var missing = expected.Keys.Except(state.Keys).ToList();
        var extra = state.Keys.Except(expected.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"{name}: keys differ from a real checkpoint: missing [{string.Join(", ", missing.Take(5))}], unexpected [{string.Join(", ", extra.Take(5))}]");
        foreach (var (key, shape) in expected)
        {
            Assert.True(shape.SequenceEqual(state[key].shape), $"{name} {key}: expected [{string.Join(", ", shape)}], seen [{string.Join(", ", state[key].shape)}]");
        }
    }

    [Fact]
    public void RegistersAddThreeWidthsInTimmNaming()
    {
        foreach (var size in VisionTransformerVariants.Sizes)
        {
            using var plain = VisionTransformerConfig.Dinov2(size, registers: false).Create(0, Meta);
            using var reg = VisionTransformerConfig.Dinov2(size, registers: true).Create(0, Meta);
            var d = VisionTransformerConfig.Dinov2(size, false).EmbedDim;
            var a = plain.parameters().Sum(p => p.numel());
            var b = reg.parameters().Sum(p => p.numel());
            Assert.True(b - a == 3L * d, $"{size}: expected registers to add 3 x {d} parameters (4 tokens, class position folded), seen {b - a}");
        }
    }

    [Fact]
    public void HeadAddsClassifierOfPoolingWidth()
    {
        var config = VisionTransformerConfig.Dinov2("small", false);
        using var token = config.Create(1000, Meta);
        using var clsMean = (config with { Pooling = ViTPooling.ClsMean }).Create(1000, Meta);
        Assert.Equal([1000L, 384L], token.state_dict()["head.weight"].shape);
        Assert.Equal([1000L, 768L], clsMean.state_dict()["head.weight"].shape);
        Assert.Equal(22.056192 + 0.385, token.parameters().Sum(p => p.numel()) / 1e6, 3);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PreprocessingAndResamplingFollowTheSourceLibrary(string name)
    {
        var variant = ModelRegistry.Get(name);
        var config = (VisionTransformerConfig)variant.Architecture;
        Assert.Equal(0, variant.NumClasses);
        Assert.Equal(518, config.ImgSize);
        Assert.Equal(1e-6, config.LayerNormEps);
        Assert.Equal(PreprocessConfig.ImageNetMean, variant.Preprocess.Mean);
        Assert.Equal(PreprocessConfig.ImageNetStd, variant.Preprocess.Std);
        Assert.Equal(Interpolation.Bicubic, variant.Preprocess.Interpolation);
        if (name.StartsWith("vit_", StringComparison.Ordinal))
        {
            // timm pretrained_cfg: input_size (3, 518, 518), crop_pct 1.0.
            Assert.Equal((518, 518, 518, CropRounding.RoundHalfToEven), (variant.Preprocess.ResizeShortestEdge, variant.Preprocess.CropHeight, variant.Preprocess.CropWidth, variant.Preprocess.CropRounding));
            Assert.Equal(CheckpointNaming.Timm, variant.Naming);
            Assert.Equal(ViTPosEmbedResampling.Timm, config.PosEmbedResampling);
        }
        else
        {
            Assert.Equal((256, 224, 224, CropRounding.Floor), (variant.Preprocess.ResizeShortestEdge, variant.Preprocess.CropHeight, variant.Preprocess.CropWidth, variant.Preprocess.CropRounding));
            Assert.Equal(CheckpointNaming.HuggingFace, variant.Naming);
            var expected = name.Contains("with-registers", StringComparison.Ordinal) ? ViTPosEmbedResampling.Timm : ViTPosEmbedResampling.Transformers;
            Assert.Equal(expected, config.PosEmbedResampling);
        }
    }
}
