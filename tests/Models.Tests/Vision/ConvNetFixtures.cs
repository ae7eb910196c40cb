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

    /// <summary>
    /// Runs the model on the case's input and compares features, pooled, logits and the full forward with the
    /// expected outputs; returns the report line, after asserting every max |diff| is within <paramref name="tolerance"/>.
    /// </summary>
    public static string AssertMatchesExpected(Pipeline.Models.Vision.IVisionBackbone model, string modelCase, double tolerance, string label)
    {
        var input = Read(modelCase, "input.safetensors");
        var expected = Read(modelCase, "expected.safetensors");
        using var noGrad = torch.no_grad();
        using var features = model.forward_features(input["pixel_values"]);
        using var pooled = model.forward_head(features, pre_logits: true);
        using var logits = model.forward_head(features);
        using var full = ((torch.nn.Module<torch.Tensor, torch.Tensor>)model.AsModule()).forward(input["pixel_values"]);

        var dFeatures = MaxAbsDiff(expected["features"], features, "features");
        var dPooled = MaxAbsDiff(expected["pooled"], pooled, "pooled");
        var dLogits = MaxAbsDiff(expected["logits"], logits, "logits");
        var dFull = MaxAbsDiff(expected["logits"], full, "forward");
        var report = $"{label}max |diff| features {dFeatures:E2}, pooled {dPooled:E2}, logits {dLogits:E2}, forward {dFull:E2} (tolerance {tolerance:E0})";
        Dispose(input.Values.Concat(expected.Values));
        Assert.True(dFeatures <= tolerance && dPooled <= tolerance && dLogits <= tolerance && dFull <= tolerance, report);
        return report;
    }

    public static void Dispose(IEnumerable<torch.Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}
