using System.Text.Json;
using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Schedulers;

/// <summary>Reads the diffusers goldens under <c>Fixtures/lcm/</c> (schedulers, guidance embedding) and compares values.</summary>
internal static class LcmFixture
{
    /// <summary>Schedulers are float32 arithmetic in diffusers' order: they should agree to rounding.</summary>
    public const double SchedulerTolerance = 1e-6;

    public static string CaseDir(string fixtureCase) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "lcm", fixtureCase);

    public static string File(string fixtureCase, string file) => Path.Combine(CaseDir(fixtureCase), file);

    public static Dictionary<string, Tensor> Expected(string fixtureCase)
    {
        using var reader = SafeTensorsReader.Open(File(fixtureCase, "expected.safetensors"));
        return reader.ReadAll();
    }

    public static JsonElement Meta(string fixtureCase)
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(File(fixtureCase, "meta.json")));
        return document.RootElement.Clone();
    }

    public static long[] Longs(Tensor t) => t.to(ScalarType.Int64).data<long>().ToArray();

    public static float[] Floats(Tensor t) => t.to(ScalarType.Float32).data<float>().ToArray();

    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"shape: expected [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs().max();
        return diff.item<double>();
    }

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = SchedulerTolerance)
    {
        var diff = MaxAbsDiff(actual, expected);
        Assert.True(diff <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {diff:G3}");
    }

    public static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what, double tolerance = SchedulerTolerance)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} values, seen {actual.Count}");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Count; i++)
        {
            var diff = Math.Abs((double)expected[i] - actual[i]);
            if (diff > worst || double.IsNaN(diff))
            {
                (worst, at) = (double.IsNaN(diff) ? double.PositiveInfinity : diff, i);
            }
        }
        Assert.True(worst <= tolerance,
            $"{what}: expected max |diff| <= {tolerance:G3}, seen {worst:G3} at [{at}] (expected {(at >= 0 ? expected[at] : 0):G9}, seen {(at >= 0 ? actual[at] : 0):G9})");
    }

    public static void AssertSequence(IReadOnlyList<long> expected, IReadOnlyList<long> actual, string what) =>
        Assert.True(expected.SequenceEqual(actual), $"{what}: expected [{string.Join(", ", expected)}], seen [{string.Join(", ", actual)}]");

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }

    /// <summary>Runs <paramref name="test"/> on a temporary scheduler_config.json holding <paramref name="json"/>, deleted afterwards.</summary>
    public static void WithTempConfig(string json, Action<string> test)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sched-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "scheduler_config.json");
            System.IO.File.WriteAllText(path, json);
            test(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
