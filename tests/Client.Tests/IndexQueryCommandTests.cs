using System.Text.Json.Nodes;
using Pipeline.Index.Sharded;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using SkiaSharp;

namespace Pipeline.Client.Tests;

/// <summary>
/// Through the CLI, as a user runs it: embed a folder with a model folder, <c>pipeline index</c> it, and
/// <c>pipeline query</c> by image (embedded with the index's model first), by id and by vector, plus the refusals.
/// </summary>
public sealed class IndexQueryCommandTests : IDisposable
{
    private readonly ModelFolderBuilder folders = new();
    private readonly string corpus;
    private readonly string model;

    public IndexQueryCommandTests()
    {
        corpus = folders.NewFolder("corpus");
        for (int i = 0; i < 6; i++)
        {
            using var bitmap = new SKBitmap(80 + 10 * i, 64);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(new SKColor((byte)(40 * i), (byte)(255 - 40 * i), (byte)(20 * i)));
                using var paint = new SKPaint { Color = SKColors.White };
                canvas.DrawCircle(10 + 8 * i, 32, 12, paint);
            }
            using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(corpus, $"img_{i}.png"), data.ToArray());
        }
        // Exact copies: two near-duplicate clusters for dedup ("dup_a" lists before "img_2", "img_5" before "img_5_copy").
        File.Copy(Path.Combine(corpus, "img_2.png"), Path.Combine(corpus, "dup_a.png"));
        File.Copy(Path.Combine(corpus, "img_5.png"), Path.Combine(corpus, "img_5_copy.png"));
        model = folders.TimmFolder("convnext_v1_tiny", ModelFolderBuilder.TimmPretrainedCfg(64, 1.0));
    }

    public void Dispose() => folders.Dispose();

    private async Task<string> EmbedAndIndexAsync(string name)
    {
        var embeddings = Path.Combine(folders.Root, $"emb-{name}");
        var embed = await CliRunner.RunAsync("embed", "--input", corpus, "--model", model, "--output", embeddings, "--output-dtype", "Float32",
            "--shard-size", "4", "--job-id", $"embed-{name}");
        Assert.True(embed.ExitCode == 0, $"embed: {embed}");
        var index = await CliRunner.RunAsync("index", "--embeddings", embeddings, "--kind", "exact", "--storage", "float32", "--job-id", $"index-{name}");
        Assert.True(index.ExitCode == 0, $"index: {index}");
        Assert.Contains("index: exact cosine, 8 rows", index.Output, StringComparison.Ordinal);
        return Path.Combine(embeddings, "index", "exact");
    }

    [Fact]
    public async Task QueryByImage_FindsThatImageFirst_ByIdAndByVectorAgree()
    {
        var index = await EmbedAndIndexAsync("query");
        Assert.True(File.Exists(Path.Combine(index, IndexLayout.ManifestFile)));
        var image = Path.Combine(corpus, "img_3.png");

        var byImage = await CliRunner.RunAsync("query", "--index", index, "--image", image, "-k", "3", "--json");
        Assert.True(byImage.ExitCode == 0, byImage.ToString());
        var neighbours = JsonNode.Parse(byImage.Output)!["results"]![0]!["neighbors"]!.AsArray();
        Assert.Equal(3, neighbours.Count);
        Assert.Equal(image, neighbours[0]!["image_path"]!.GetValue<string>());
        Assert.Equal(1.0, neighbours[0]!["score"]!.GetValue<double>(), 1e-4);

        var byId = await CliRunner.RunAsync("query", "--index", index, "--id", image, "-k", "3", "--json");
        Assert.True(byId.ExitCode == 0, byId.ToString());
        Assert.Equal(Paths(neighbours), Paths(JsonNode.Parse(byId.Output)!["results"]![0]!["neighbors"]!.AsArray()));

        var text = await CliRunner.RunAsync("query", "--index", index, "--id", image, "-k", "2");
        Assert.Contains("score: cosine similarity", text.Output, StringComparison.Ordinal);
        Assert.Contains($"   1      1.0000  {image}", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadQueries_AreOneMessageAndExit1()
    {
        var index = await EmbedAndIndexAsync("refusals");
        var wrongDim = Path.Combine(folders.Root, "wrong.npy");
        using (var file = File.Create(wrongDim)) NpyWriter.Write(file, new float[5], 1, 5, NpyDType.Float32);

        var dim = await CliRunner.RunAsync("query", "--index", index, "--vector", wrongDim);
        Assert.Equal(1, dim.ExitCode);
        Assert.Contains("has dimension 5, the index", dim.Error, StringComparison.Ordinal);

        var none = await CliRunner.RunAsync("query", "--index", index);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("give exactly one of --image", none.Error, StringComparison.Ordinal);

        var notIndex = await CliRunner.RunAsync("query", "--index", corpus, "--id", "x");
        Assert.Equal(1, notIndex.ExitCode);
        Assert.Contains("is not an index", notIndex.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("please report", notIndex.Error, StringComparison.Ordinal);

        var unknown = await CliRunner.RunAsync("query", "--index", index, "--id", "nope.jpg");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no image with that image_path", unknown.Error, StringComparison.Ordinal);

        var corrupt = Path.Combine(folders.Root, "corrupt.png");
        File.WriteAllText(corrupt, "not a png");
        var bad = await CliRunner.RunAsync("query", "--index", index, "--image", corrupt);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("cannot be decoded", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIndexSpecWithProblems_IsRefusedBeforeAnythingStarts()
    {
        var run = await CliRunner.RunAsync("index", "--embeddings", corpus, "--kind", "annoy", "--metric", "dot", "--memory-budget", "lots");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--memory-budget 'lots' is not a size", run.Error, StringComparison.Ordinal);

        var kinds = await CliRunner.RunAsync("index", "--embeddings", corpus, "--kind", "annoy", "--metric", "dot");
        Assert.Equal(1, kinds.ExitCode);
        Assert.Contains("--kind 'annoy' is not known", kinds.Error, StringComparison.Ordinal);
        Assert.Contains("--metric 'dot' is not known", kinds.Error, StringComparison.Ordinal);

        var unfinished = await CliRunner.RunAsync("index", "--embeddings", corpus, "--kind", "exact");
        Assert.Equal(1, unfinished.ExitCode);
        Assert.Contains("has no manifest.json", unfinished.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedup_ClustersTheExactCopies_KeepsTheFirstListed_AndWritesParquetAndPages()
    {
        var index = await EmbedAndIndexAsync("dedup");
        var html = Path.Combine(folders.Root, "dups.html");

        var run = await CliRunner.RunAsync("dedup", "--index", index, "--threshold", "0.9999", "-k", "4", "--html", html, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = JsonNode.Parse(run.Output)!;
        Assert.Equal((2, 4, 2), (summary["clusters"]!.GetValue<int>(), summary["images_in_clusters"]!.GetValue<int>(), summary["images_removed"]!.GetValue<int>()));
        var rows = await Hyparquet.RowsAsync(Path.Combine(index, IndexLayout.DuplicatesFile));
        Assert.Equal(
            [(0, "dup_a.png", true), (0, "img_2.png", false), (1, "img_5.png", true), (1, "img_5_copy.png", false)],
            rows.Select(r => (r!["cluster_id"]!.GetValue<int>(), Path.GetFileName(r["image_path"]!.GetValue<string>()), r["keep"]!.GetValue<bool>())));
        Assert.All(rows, r => Assert.True(r!["nearest_score"]!.GetValue<double>() > 0.9999));
        var page = await File.ReadAllTextAsync(html);
        Assert.Equal(4, CountOf(page, "<img"));
        Assert.Equal(2, CountOf(page, "KEEP"));

        var queryPage = Path.Combine(folders.Root, "query.html");
        var query = await CliRunner.RunAsync("query", "--index", index, "--id", Path.Combine(corpus, "img_1.png"), "-k", "3", "--html", queryPage);
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Equal(4, CountOf(await File.ReadAllTextAsync(queryPage), "<img"));
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static string[] Paths(JsonArray neighbours) => [.. neighbours.Select(n => n!["image_path"]!.GetValue<string>())];
}
