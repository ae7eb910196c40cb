using System.Text.Json.Nodes;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;
using TorchSharp;

namespace Pipeline.Client.Tests;

/// <summary>
/// Through the CLI: a model folder in each layout, written from fixture weights, embeds a folder of images, and every
/// <c>.npy</c> row equals the model's pooled output on that image's preprocessed pixels (computed here, one by one).
/// </summary>
public sealed class ModelFolderEmbedTests : IDisposable
{
    private readonly ModelFolderBuilder folders = new();
    private readonly string corpus;

    public ModelFolderEmbedTests()
    {
        corpus = folders.NewFolder("corpus");
        (string Name, int W, int H, SKEncodedImageFormat Format)[] images =
        [
            ("a.jpg", 320, 200, SKEncodedImageFormat.Jpeg), ("b.png", 90, 150, SKEncodedImageFormat.Png), ("c.webp", 64, 64, SKEncodedImageFormat.Webp),
        ];
        foreach (var (name, w, h, format) in images)
        {
            using var bitmap = new SKBitmap(w, h);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(new SKColor((byte)w, (byte)h, 40));
                using var paint = new SKPaint { Color = SKColors.White };
                canvas.DrawCircle(w / 3f, h / 2f, Math.Min(w, h) / 4f, paint);
            }
            using var data = SKImage.FromBitmap(bitmap).Encode(format, 95);
            File.WriteAllBytes(Path.Combine(corpus, name), data.ToArray());
        }
    }

    public void Dispose() => folders.Dispose();

    public static TheoryData<string, string> Layouts() => new()
    {
        { "hf", "convnext_v1_tiny" },
        { "hf", "dinov2_tiny" },
        { "hf", "dinov2_reg_tiny" },
        { "timm", "convnext_v1_tiny" },
        { "timm", "dinov2_tiny" },
        { "timm", "efficientnetv2_tiny" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task EmbeddingRowsEqualThePooledOutputOnThePreprocessedPixels(string layout, string fixtureCase)
    {
        var model = layout == "hf" ? folders.HuggingFaceFolder(fixtureCase, Processor(fixtureCase)) : TimmFolder(fixtureCase);
        var output = Path.Combine(folders.Root, $"out-{layout}-{fixtureCase}");

        var run = await CliRunner.RunAsync("embed", "--input", corpus, "--model", model, "--output", output,
            "--output-dtype", "Float32", "--batch-size", "2", "--job-id", $"{layout}-{fixtureCase}".Replace('_', '-'));

        Assert.True(run.ExitCode == 0, $"expected exit 0, got {run}");
        var (rows, shape, _) = NpyReader.Read(File.OpenRead(Path.Combine(output, OutputLayout.Embeddings(0))));
        var resolved = ModelResolver.Resolve(model, weights: null);
        var expected = PooledOneByOne(resolved, ["a.jpg", "b.png", "c.webp"]);
        Assert.Equal([3, expected[0].Length], shape);
        for (int r = 0; r < 3; r++)
        {
            // Batched and single-image forwards may pick different conv kernels: allow float32 noise relative to the scale.
            double maxDiff = expected[r].Select((v, i) => Math.Abs(v - rows[r * shape[1] + i])).Max();
            double scale = expected[r].Max(v => Math.Abs(v));
            Assert.True(maxDiff <= 1e-5 + 1e-5 * scale,
                $"{layout} {fixtureCase} row {r}: max |diff| {maxDiff:E2} against the model's pooled output (largest |value| {scale:F1})");
        }
    }

    private float[][] PooledOneByOne(ResolvedModel resolved, string[] names)
    {
        var backbone = BackboneFactory.Load(resolved);
        using var inference = torch.inference_mode();
        return names.Select(name =>
        {
            using var scope = torch.NewDisposeScope();
            var pixels = ImagePreprocessor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(corpus, name))), resolved.Preprocess);
            var input = torch.tensor(pixels, [1, 3, resolved.Preprocess.CropHeight, resolved.Preprocess.CropWidth]);
            return backbone.forward_head(backbone.forward_features(input), pre_logits: true).data<float>().ToArray();
        }).ToArray();
    }

    private string TimmFolder(string fixtureCase)
    {
        var inputSize = ModelFolderBuilder.FixtureConfig(fixtureCase)["input_shape"]![2]!.GetValue<int>();
        return folders.TimmFolder(fixtureCase, ModelFolderBuilder.TimmPretrainedCfg(inputSize, 0.875));
    }

    private static JsonObject Processor(string fixtureCase) => fixtureCase.StartsWith("convnext", StringComparison.Ordinal)
        ? new JsonObject { ["image_processor_type"] = "ConvNextImageProcessor", ["size"] = new JsonObject { ["shortest_edge"] = 64 }, ["crop_pct"] = 0.875, ["resample"] = 3 }
        : ModelFolderBuilder.BitProcessor();
}
