using System.Text.Json;
using Pipeline.Models.Checkpoints;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>Paths, goldens and comparisons for the LCM CLIP fixtures copied under <c>Fixtures/lcm/</c>.</summary>
internal static class ClipFixture
{
    /// <summary>Names the folder holding the real CLIP <c>vocab.json</c> / <c>merges.txt</c> (not copied into tests).</summary>
    public const string VocabularyVariable = "PIPELINE_CLIP_VOCABULARY";

    /// <summary>The brief's bound on model outputs where meta.json gives no figure.</summary>
    public const double DefaultTolerance = 1e-4;

    public static string LcmDir(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", "lcm", .. parts]);

    public static string TextEncoderDir => LcmDir("clip_text_tiny");

    /// <summary>The folder named by <see cref="VocabularyVariable"/>, or null when it is unset.</summary>
    public static string? VocabularyFolder =>
        Environment.GetEnvironmentVariable(VocabularyVariable) is { Length: > 0 } folder ? folder : null;

    public static string SkipMessage =>
        $"{VocabularyVariable} is not set: it must name a folder with the real CLIP vocab.json and merges.txt (CI sets it to shared/fixtures/lcm/tokenizer)";

    public static JsonElement Prompts()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(LcmDir("tokenizer", "prompts.json")));
        return document.RootElement.GetProperty("prompts").Clone();
    }

    public static Dictionary<string, Tensor> Read(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        return reader.ReadAll();
    }

    /// <summary>meta.json's <c>suggested_atol</c> for <paramref name="tensor"/>, else <see cref="DefaultTolerance"/>.</summary>
    public static double Tolerance(string tensor)
    {
        using var meta = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TextEncoderDir, "meta.json")));
        return meta.RootElement.GetProperty("tolerances").TryGetProperty(tensor, out var t)
            ? t.GetProperty("suggested_atol").GetDouble()
            : DefaultTolerance;
    }

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: expected shape [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (actual.to(ScalarType.Float32) - expected.to(ScalarType.Float32)).abs().max();
        var seen = diff.item<float>();
        Assert.True(seen <= tolerance, $"{what}: expected max |diff| <= {tolerance:G3}, seen {seen:G3}");
    }

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }

    /// <summary>A fresh empty temp folder; the caller deletes it.</summary>
    public static string NewTempFolder(string prefix)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
