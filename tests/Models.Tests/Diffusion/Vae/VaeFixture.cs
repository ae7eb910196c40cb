using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Vae;

/// <summary>Reads the diffusers 0.30.3 <c>vae_tiny</c> fixture copied under <c>Fixtures/lcm/vae_tiny/</c> and compares tensors.</summary>
internal static class VaeFixture
{
    /// <summary>The README's bound for a correct port (meta.json suggests 6.8e-5 to 9.9e-5 on the outputs).</summary>
    public const double Tolerance = 1e-4;

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "lcm", "vae_tiny");

    public static Dictionary<string, Tensor> Read(string file)
    {
        using var reader = SafeTensorsReader.Open(Path.Combine(Folder, file));
        return reader.ReadAll();
    }

    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"shape: expected [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (actual - expected).abs().max();
        return diff.item<float>();
    }

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = Tolerance)
    {
        var diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "vae-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
