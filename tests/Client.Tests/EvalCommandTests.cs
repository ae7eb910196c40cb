using System.Text.Json.Nodes;
using Pipeline.Models.Tests.Loading;
using SkiaSharp;

namespace Pipeline.Client.Tests;

/// <summary>
/// <c>pipeline eval</c> through the CLI: two backbones embed one labelled corpus (three colour classes), and both are
/// evaluated by weighted k-NN and a linear probe on one split.
/// </summary>
public sealed class EvalCommandTests : IDisposable
{
    private const int PerClass = 10;
    private readonly ModelFolderBuilder folders = new();
    private readonly string corpus;
    private readonly string labels;

    public EvalCommandTests()
    {
        corpus = folders.NewFolder("corpus");
        var random = new Random(5);
        var lines = new List<string> { "label,image_path,notes" };
        (string Name, SKColor Colour)[] classes = [("red", SKColors.Red), ("green", SKColors.Green), ("blue", SKColors.Blue)];
        foreach (var (name, colour) in classes)
        {
            for (int i = 0; i < PerClass; i++)
            {
                using var bitmap = new SKBitmap(64, 64);
                using (var canvas = new SKCanvas(bitmap))
                {
                    canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
                    using var paint = new SKPaint { Color = colour };
                    canvas.DrawRect(random.Next(8), random.Next(8), 48 + random.Next(8), 48 + random.Next(8), paint);
                }
                var path = Path.Combine(corpus, $"{name}_{i:D2}.png");
                using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(path, data.ToArray());
                lines.Add($"{name},{path},x");
            }
        }
        lines.Add($"red,{Path.Combine(corpus, "never-embedded.png")},x");
        labels = Path.Combine(folders.Root, "labels.csv");
        File.WriteAllLines(labels, lines);
    }

    public void Dispose() => folders.Dispose();

    private async Task<string> EmbedAsync(string fixtureCase)
    {
        var inputSize = ModelFolderBuilder.FixtureConfig(fixtureCase)["input_shape"]![2]!.GetValue<int>();
        var model = folders.TimmFolder(fixtureCase, ModelFolderBuilder.TimmPretrainedCfg(inputSize, 1.0));
        var output = Path.Combine(folders.Root, $"emb-{fixtureCase}");
        var run = await CliRunner.RunAsync("embed", "--input", corpus, "--model", model, "--output", output, "--job-id", $"eval-{fixtureCase}".Replace('_', '-'));
        Assert.True(run.ExitCode == 0, run.ToString());
        return output;
    }

    [Fact]
    public async Task TwoBackbones_AreComparedOnOneSplit_ByKnnAndLinearProbe()
    {
        var convnext = await EmbedAsync("convnext_v1_tiny");
        var dinov2 = await EmbedAsync("dinov2_tiny");

        var run = await CliRunner.RunAsync("eval", "--embeddings", convnext, "--labels", labels, "--compare", dinov2, "--test-split", "0.3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Output)!;
        Assert.Equal(3 * PerClass, result["train_images"]!.GetValue<int>() + result["test_images"]!.GetValue<int>());
        Assert.Equal(9, result["test_images"]!.GetValue<int>());
        Assert.Equal(3, result["classes"]!.GetValue<int>());
        Assert.Equal(1, result["labelled_without_embedding"]!.GetValue<int>());
        var results = result["results"]!.AsArray();
        Assert.Equal([convnext, dinov2], results.Select(r => r!["embeddings"]!.GetValue<string>()));
        foreach (var entry in results)
        {
            var report = entry!["report"]!;
            // Colour classes are easy for any backbone's features, random weights included: well above chance (1/3).
            Assert.True(report["knn_top1"]!.GetValue<double>() >= 0.6, $"k-NN accuracy: {entry}");
            Assert.True(report["linear_top1"]!.GetValue<double>() >= 0.6, $"linear-probe accuracy: {entry}");
            Assert.Null(report["knn_top5"]);
        }

        var text = await CliRunner.RunAsync("eval", "--embeddings", convnext, "--labels", labels, "--compare", dinov2, "--test-split", "0.3");
        Assert.Contains("k-NN top-1", text.Output, StringComparison.Ordinal);
        Assert.Contains("note: 1 labelled images have no embedding", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelsThatMatchNoEmbedding_OrAMissingColumn_AreOneMessage()
    {
        var convnext = await EmbedAsync("convnext_v1_tiny");
        var strangers = Path.Combine(folders.Root, "strangers.csv");
        File.WriteAllLines(strangers, ["image_path,label", "other/a.png,cat", "other/b.png,dog"]);
        var none = await CliRunner.RunAsync("eval", "--embeddings", convnext, "--labels", strangers);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("none of the 2 images", none.Error, StringComparison.Ordinal);

        var noLabel = Path.Combine(folders.Root, "nolabel.csv");
        File.WriteAllLines(noLabel, ["image_path,class", "a.png,cat"]);
        var column = await CliRunner.RunAsync("eval", "--embeddings", convnext, "--labels", noLabel);
        Assert.Equal(1, column.ExitCode);
        Assert.Contains("label", column.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("please report", column.Error, StringComparison.Ordinal);
    }
}
