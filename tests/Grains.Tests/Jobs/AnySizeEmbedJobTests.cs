using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Embed;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// A Hugging Face DINOv2 folder with do_resize and do_center_crop false through a real embed job: images of different
/// sizes batch by size, rows stay in listing order, patch tokens land in one npy per patch grid with an index in the
/// metadata, and every row equals the same image embedded alone.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class AnySizeEmbedJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly ModelFolderBuilder folders = new();

    public void Dispose() => folders.Dispose();

    // Listing order is ordinal: a, b, bad, c, d, e, f, tiny. Grids: a 5x6, b 4x7, c 5x6 (75x97 px), d 4x5 (61x75 px),
    // e 5x6, f 4x7; tiny (10x12 px) is smaller than a patch and bad is not an image: both are failure records.
    private static Dictionary<string, byte[]> Corpus() => new()
    {
        ["a.png"] = TestImages.Encode(84, 70, SKColors.Red),
        ["b.png"] = TestImages.Encode(98, 56, SKColors.Blue),
        ["bad.jpg"] = Encoding.ASCII.GetBytes("not an image"),
        ["c.png"] = TestImages.Encode(97, 75, SKColors.Green),
        ["d.png"] = TestImages.Encode(75, 61, SKColors.Yellow),
        ["e.png"] = TestImages.Encode(84, 70, SKColors.Purple),
        ["f.png"] = TestImages.Encode(98, 56, SKColors.Orange),
        ["tiny.png"] = TestImages.Encode(12, 10, SKColors.Gray),
    };

    [Fact]
    public async Task ImagesAtTheirOwnSizeKeepListingOrderAndWritePatchTokensPerGrid()
    {
        var processor = ModelFolderBuilder.BitProcessor();
        processor["do_resize"] = false;
        processor["do_center_crop"] = false;
        var model = folders.HuggingFaceFolder("dinov2_reg_tiny", processor);
        var corpus = Corpus();
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/anysize", corpus);
        var spec = new EmbedJobSpec
        {
            Input = "az://corpus/anysize", Model = model, Output = "az://outputs/anysize", BatchSize = 2, ShardSize = 100,
            PatchTokens = true, OutputDType = OutputDType.Float32,
        };
        var job = fixture.Grains.GetGrain<IJobGrain>("anysize");
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.CompletedWithErrors, $"expected CompletedWithErrors (two bad samples), got {status}");

        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        var rows = await ParquetFiles.ReadAsync<PatchIndexedMetadataRow>(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.Metadata(0))));
        string[] listed = ["a.png", "b.png", "c.png", "d.png", "e.png", "f.png"];
        Assert.Equal(listed.Select(n => $"{spec.Input}/{n}"), rows.Select(r => r.ImagePath));
        Assert.Equal(Enumerable.Range(0, listed.Length), rows.Select(r => r.Row));
        // The plain metadata reader still reads the file.
        var plain = await new JobOutputReader(output).MetadataAsync(0);
        Assert.Equal(rows.Select(r => r.ImagePath), plain.Select(r => r.ImagePath));

        var failures = await new JobOutputReader(output).FailuresAsync(0);
        Assert.Equal([$"{spec.Input}/bad.jpg", $"{spec.Input}/tiny.png"], failures.Select(f => f.ImagePath).Order(StringComparer.Ordinal));
        var tiny = failures.Single(f => f.ImagePath.EndsWith("tiny.png", StringComparison.Ordinal));
        Assert.True(tiny.Error.Contains("smaller than one 14x14 patch", StringComparison.Ordinal), $"expected a too-small error, seen '{tiny.Error}'");

        var (embeddings, shape, _) = NpyReader.Read(await output.OpenReadAsync(OutputLayout.Embeddings(0)));
        Assert.Equal([listed.Length, 48], shape);
        using var embedder = ImageEmbedder.Load(ModelResolver.Resolve(model, null), 0, patchTokens: true);
        var patchFiles = new Dictionary<string, (float[] Data, int[] Shape)>();
        for (var i = 0; i < listed.Length; i++)
        {
            var image = ImageDecoder.Decode(corpus[listed[i]], new ImageDecoderOptions());
            var (h, w) = embedder.InputSize(image);
            var pixels = new float[3 * h * w];
            embedder.PreprocessImage(image, pixels);
            var alone = embedder.Embed(pixels, 1, h, w);
            var grid = embedder.PatchGrid(h, w);
            var row = rows[i];
            Assert.True((row.GridHeight, row.GridWidth) == grid, $"{listed[i]}: expected grid {grid}, seen {row.GridHeight}x{row.GridWidth}");
            Assert.Equal(OutputLayout.PatchEmbeddings(0, grid.Height, grid.Width), row.PatchFile);
            AssertClose(alone.Embeddings, embeddings.AsSpan(i * 48, 48), $"{listed[i]} embedding row {i}");

            if (!patchFiles.TryGetValue(row.PatchFile, out var file))
            {
                var (data, fileShape, _) = NpyReader.Read(await output.OpenReadAsync(row.PatchFile));
                patchFiles[row.PatchFile] = file = (data, fileShape);
            }
            var tokens = grid.Height * grid.Width * 48;
            Assert.Equal(grid.Height * grid.Width, file.Shape[1]);
            AssertClose(alone.PatchTokens!, file.Data.AsSpan(row.PatchRow * tokens, tokens), $"{listed[i]} patch tokens");
        }
        // Three grids, rows per grid in listing order: 5x6 holds a, c, e; 4x7 holds b, f; 4x5 holds d.
        Assert.Equal(3, patchFiles.Count);
        Assert.Equal([0, 1, 2], rows.Where(r => (r.GridHeight, r.GridWidth) == (5, 6)).Select(r => r.PatchRow));
        Assert.Equal([3, 2, 1], patchFiles.Values.Select(f => f.Shape[0]).OrderDescending());
        var marker = (await new JobOutputReader(output).MarkersAsync()).Single();
        foreach (var key in patchFiles.Keys)
            Assert.True(marker.Files.Contains(key), $"expected the marker to list {key}, seen [{string.Join(", ", marker.Files)}]");
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, seen {actual.Length}");
        double max = 0;
        for (var i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= Tolerance, $"{what}: expected the job's values within {Tolerance:G3} of the image embedded alone, seen max |diff| {max:G3}");
    }
}
