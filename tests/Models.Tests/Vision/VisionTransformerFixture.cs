using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Vision;

/// <summary>Reads the DINOv2 fixture cases copied under <c>Fixtures/vision/models/</c> and compares tensors.</summary>
internal static class VisionTransformerFixture
{
    /// <summary>Tolerance the fixture README gives for DINOv2 ports.</summary>
    public const double Tolerance = 1e-5;

    public static string CaseDir(string fixtureCase) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "models", fixtureCase);

    public static string ResamplingGoldens =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "vit_resampling", "goldens.safetensors");

    public static Dictionary<string, Tensor> Read(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        return reader.ReadAll();
    }

    public static Dictionary<string, Tensor> Read(string fixtureCase, string file) => Read(Path.Combine(CaseDir(fixtureCase), file));

    /// <summary>The architecture of a fixture case: timm's DINOv2 ViT-S/14 at width 48, depth 3, 3 heads, 56x56, 7 classes.</summary>
    public static VisionTransformerConfig Config(string fixtureCase) =>
        VisionTransformerConfig.Dinov2("small", fixtureCase == "dinov2_reg_tiny") with
        {
            EmbedDim = 48,
            Depth = 3,
            NumHeads = 3,
            ImgSize = 56,
            MlpHidden = 192,
        };

    public const int NumClasses = 7;

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.True(a.shape.SequenceEqual(b.shape), $"shape: expected [{string.Join(", ", b.shape)}], seen [{string.Join(", ", a.shape)}]");
        using var diff = (a - b).abs().max();
        return diff.item<float>();
    }

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = Tolerance)
    {
        var diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
    }

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
