using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion;

/// <summary>Reads the LCM fixtures' goldens (copied under <c>Fixtures/lcm/</c>) and compares tensors, for every diffusion test.</summary>
internal static class LcmGoldens
{
    public static string Folder(string fixtureCase) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "lcm", fixtureCase);

    public static Dictionary<string, Tensor> Read(string fixtureCase, string file)
    {
        using var reader = SafeTensorsReader.Open(Path.Combine(Folder(fixtureCase), file));
        return reader.ReadAll();
    }

    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"shape: expected [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (actual - expected).abs().max();
        return diff.item<float>();
    }

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance)
    {
        var diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), prefix + "-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
