using System.Text.RegularExpressions;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision;

public sealed partial class ConvNeXtVariantsTests
{
    // Published parameter counts (millions) with a 1000-class head: timm model cards / the ConvNeXt papers.
    private static readonly Dictionary<string, double> Published = new()
    {
        ["convnext_tiny"] = 28.59,
        ["convnext_small"] = 50.22,
        ["convnext_base"] = 88.59,
        ["convnext_large"] = 197.77,
        ["convnext_xlarge"] = 350.20,
        ["convnextv2_atto"] = 3.71,
        ["convnextv2_femto"] = 5.23,
        ["convnextv2_pico"] = 9.07,
        ["convnextv2_nano"] = 15.62,
        ["convnextv2_tiny"] = 28.64,
        ["convnextv2_base"] = 88.72,
        ["convnextv2_large"] = 197.96,
        ["convnextv2_huge"] = 660.29,
    };

    public static TheoryData<string> VariantNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in ConvNeXtVariants.All)
        {
            data.Add(v.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void VariantHasPublishedSizeAndTimmKeys(string name)
    {
        var variant = ModelRegistry.Get(name);
        var config = Assert.IsType<ConvNeXtConfig>(variant.Architecture);
        var architecture = ArchitectureOf(name);
        var c = config.Dims[^1];

        using var model = config.Create(variant.NumClasses, torch.device("meta"));
        var count = model.parameters().Sum(p => p.numel()) / 1e6;
        var expected = Published[architecture] + ((c + 1) * (variant.NumClasses - 1000L)) / 1e6;
        Assert.True(Math.Abs(count - expected) < 0.01,
            $"{name}: expected {expected:F2}M parameters with a {variant.NumClasses}-class head, seen {count:F3}M");

        var keys = model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        var timmKeys = ExpectedTimmKeys(config, variant.NumClasses).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(timmKeys, keys);
    }

    [Fact]
    public void TinyWithoutHeadHasPublishedSize()
    {
        using var model = ModelRegistry.Get("convnext_tiny.fb_in1k").Architecture is ConvNeXtConfig c
            ? c.Create(0, torch.device("meta"))
            : throw new InvalidOperationException("convnext_tiny.fb_in1k is not a ConvNeXt");
        var count = model.parameters().Sum(p => p.numel()) / 1e6;
        Assert.True(Math.Abs(count - 27.82) < 0.01, $"expected 27.82M parameters without a head, seen {count:F3}M");
        Assert.Equal(768, model.num_features);
    }

    [Fact]
    public void PreprocessingFollowsTimmAndHuggingFace()
    {
        var timm = ModelRegistry.Get("convnext_tiny.fb_in22k_ft_in1k").Preprocess;
        Assert.Equal((256, 224, 224, CropRounding.RoundHalfToEven), (timm.ResizeShortestEdge, timm.CropHeight, timm.CropWidth, timm.CropRounding));
        var hf = ModelRegistry.Get("facebook/convnext-tiny-224").Preprocess;
        Assert.Equal((256, 224, 224, CropRounding.Floor), (hf.ResizeShortestEdge, hf.CropHeight, hf.CropWidth, hf.CropRounding));
        Assert.Equal(CheckpointNaming.HuggingFace, ModelRegistry.Get("facebook/convnextv2-atto-1k-224").Naming);
        Assert.Equal(1e-12, ((ConvNeXtConfig)ModelRegistry.Get("facebook/convnextv2-atto-1k-224").Architecture).HeadNormEps);
    }

    /// <summary>The keys timm's ConvNeXt state dict has, enumerated from the architecture independently of the module.</summary>
    private static IEnumerable<string> ExpectedTimmKeys(ConvNeXtConfig config, int numClasses)
    {
        string[] wb = ["weight", "bias"];
        foreach (var p in wb)
        {
            yield return $"stem.0.{p}";
            yield return $"stem.1.{p}";
            yield return $"head.norm.{p}";
            if (numClasses > 0)
            {
                yield return $"head.fc.{p}";
            }
        }
        for (var s = 0; s < 4; s++)
        {
            if (s > 0)
            {
                foreach (var p in wb)
                {
                    yield return $"stages.{s}.downsample.0.{p}";
                    yield return $"stages.{s}.downsample.1.{p}";
                }
            }
            for (var b = 0; b < config.Depths[s]; b++)
            {
                var prefix = $"stages.{s}.blocks.{b}";
                foreach (var p in wb)
                {
                    yield return $"{prefix}.conv_dw.{p}";
                    yield return $"{prefix}.norm.{p}";
                    yield return $"{prefix}.mlp.fc1.{p}";
                    yield return $"{prefix}.mlp.fc2.{p}";
                    if (config.UseGrn)
                    {
                        yield return $"{prefix}.mlp.grn.{p}";
                    }
                }
                if (config.LayerScaleInit is not null)
                {
                    yield return $"{prefix}.gamma";
                }
            }
        }
    }

    private static string ArchitectureOf(string variantName)
    {
        var m = ArchitectureName().Match(variantName);
        Assert.True(m.Success, $"cannot tell the architecture of '{variantName}'");
        return $"{m.Groups[1].Value}_{m.Groups[2].Value}";
    }

    [GeneratedRegex(@"^(?:facebook/)?(convnext(?:v2)?)[_-](atto|femto|pico|nano|tiny|small|base|large|xlarge|huge)\b")]
    private static partial Regex ArchitectureName();
}
