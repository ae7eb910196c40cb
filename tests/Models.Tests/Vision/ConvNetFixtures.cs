using System.Text.Json;
using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision;

/// <summary>Reads the timm golden fixtures under <c>Fixtures/vision/models/&lt;case&gt;/</c> for the ConvNet tests.</summary>
internal static class ConvNetFixtures
{
    public static string PathOf(string modelCase, string file) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "models", modelCase, file);

    public static Dictionary<string, torch.Tensor> Read(string modelCase, string file)
    {
        using var reader = SafeTensorsReader.Open(PathOf(modelCase, file));
        return reader.ReadAll();
    }

    public static JsonElement Config(string modelCase) =>
        JsonDocument.Parse(File.ReadAllText(PathOf(modelCase, "config.json"))).RootElement.Clone();

    /// <summary>max |a - b| after checking the shapes agree.</summary>
    public static double MaxAbsDiff(torch.Tensor expected, torch.Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: expected shape [{string.Join(", ", expected.shape)}], seen [{string.Join(", ", actual.shape)}]");
        using var diff = (expected.to(torch.float64) - actual.to(torch.float64)).abs().max();
        return diff.item<double>();
    }

    public static void Dispose(IEnumerable<torch.Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
