using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision;

public sealed class EfficientNetV2VariantsTests
{
    // Published parameter counts (millions) with a 1000-class head (timm model cards).
    private static readonly Dictionary<string, double> Published = new()
    {
        ["tf_efficientnetv2_s"] = 21.46,
        ["tf_efficientnetv2_m"] = 54.14,
        ["tf_efficientnetv2_l"] = 118.52,
        ["tf_efficientnetv2_b0"] = 7.14,
        ["tf_efficientnetv2_b1"] = 8.14,
        ["tf_efficientnetv2_b2"] = 10.10,
        ["tf_efficientnetv2_b3"] = 14.36,
        ["efficientnetv2_rw_t"] = 13.65,
        ["efficientnetv2_rw_s"] = 23.94,
        ["efficientnetv2_rw_m"] = 53.24,
    };

    public static TheoryData<string> VariantNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in EfficientNetV2Variants.All)
        {
            data.Add(v.Name);
        }
        return data;
    }

    public static TheoryData<string> Architectures()
    {
        var data = new TheoryData<string>();
        foreach (var a in Published.Keys)
        {
            data.Add(a);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ArchitectureHasPublishedSize(string architecture)
    {
        var config = EfficientNetV2Config.FromTimm(architecture, null);
        using var model = config.Create(1000, torch.device("meta"));
        var count = model.parameters().Sum(p => p.numel()) / 1e6;
        Assert.True(Math.Abs(count - Published[architecture]) < 0.01,
            $"{architecture}: expected {Published[architecture]:F2}M parameters, seen {count:F3}M");
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void VariantHasPublishedSizeAndTimmKeys(string name)
    {
        var variant = ModelRegistry.Get(name);
        var config = Assert.IsType<EfficientNetV2Config>(variant.Architecture);
        using var model = config.Create(variant.NumClasses, torch.device("meta"));
        var count = model.parameters().Sum(p => p.numel()) / 1e6;
        var expected = Published[name.Split('.')[0]] + (config.NumFeatures + 1L) * (variant.NumClasses - 1000) / 1e6;
        Assert.True(Math.Abs(count - expected) < 0.01,
            $"{name}: expected {expected:F2}M parameters with a {variant.NumClasses}-class head, seen {count:F3}M");

        var keys = model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        var timmKeys = ExpectedTimmKeys(config, variant.NumClasses).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(timmKeys, keys);
    }

    [Fact]
    public void SmallWithoutHeadHasPublishedSize()
    {
        using var model = EfficientNetV2Config.FromTimm("tf_efficientnetv2_s", null).Create(0, torch.device("meta"));
        var count = model.parameters().Sum(p => p.numel()) / 1e6;
        Assert.True(Math.Abs(count - 20.18) < 0.01, $"expected 20.18M parameters without a head, seen {count:F3}M");
        Assert.Equal(1280, model.num_features);
    }

    [Fact]
    public void PaddingAndPreprocessingFollowTimm()
    {
        var tf = ModelRegistry.Get("tf_efficientnetv2_s.in21k_ft_in1k");
        var tfConfig = (EfficientNetV2Config)tf.Architecture;
        Assert.True(tfConfig.TfSamePadding);
        Assert.Equal(1e-3, tfConfig.BnEps);
        Assert.Equal((300, 300, 0.5f, 0.5f), (tf.Preprocess.ResizeShortestEdge, tf.Preprocess.CropHeight, tf.Preprocess.Mean[0], tf.Preprocess.Std[0]));

        var rw = ModelRegistry.Get("efficientnetv2_rw_t.ra2_in1k");
        var rwConfig = (EfficientNetV2Config)rw.Architecture;
        Assert.False(rwConfig.TfSamePadding);
        Assert.Equal(1e-5, rwConfig.BnEps);

        var b1 = ModelRegistry.Get("tf_efficientnetv2_b1.in1k").Preprocess;
        Assert.Equal((217, 192), (b1.ResizeShortestEdge, b1.CropHeight));

        // timm/models/efficientnet.py: tf_efficientnetv2_b3.in21k_ft_in1k has crop_pct 0.9 with crop_mode 'squash'.
        var b3 = ModelRegistry.Get("tf_efficientnetv2_b3.in21k_ft_in1k").Preprocess;
        Assert.Equal((266, 240, true), (b3.ResizeShortestEdge, b3.CropHeight, b3.Squash));
    }

    /// <summary>The keys of timm's EfficientNet state dict for the decoded blocks.</summary>
    private static IEnumerable<string> ExpectedTimmKeys(EfficientNetV2Config config, int numClasses)
    {
        string[] bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        IEnumerable<string> Bn(string prefix) => bn.Select(p => $"{prefix}.{p}");
        var keys = new List<string> { "conv_stem.weight", "conv_head.weight" };
        keys.AddRange(Bn("bn1"));
        keys.AddRange(Bn("bn2"));
        if (numClasses > 0)
        {
            keys.AddRange(["classifier.weight", "classifier.bias"]);
        }
        var stages = config.Blocks();
        for (var s = 0; s < stages.Count; s++)
        {
            for (var b = 0; b < stages[s].Count; b++)
            {
                var p = $"blocks.{s}.{b}";
                var block = stages[s][b];
                string[] convs = block.Type switch
                {
                    EfficientNetBlockType.ConvBnAct => ["conv"],
                    EfficientNetBlockType.EdgeResidual => ["conv_exp", "conv_pwl"],
                    _ => ["conv_pw", "conv_dw", "conv_pwl"],
                };
                keys.AddRange(convs.Select(c => $"{p}.{c}.weight"));
                for (var n = 1; n <= convs.Length; n++)
                {
                    keys.AddRange(Bn($"{p}.bn{n}"));
                }
                if (block.SeChannels > 0)
                {
                    keys.AddRange([$"{p}.se.conv_reduce.weight", $"{p}.se.conv_reduce.bias", $"{p}.se.conv_expand.weight", $"{p}.se.conv_expand.bias"]);
                }
            }
        }
        return keys;
    }
}
