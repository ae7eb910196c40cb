using System.Text;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

[Collection(EmbedClusterCollection.Name)]
public sealed class EmbedJobTests(EmbedClusterFixture fixture)
{
    private const string Model = "convnext_tiny.fb_in22k_ft_in1k";
    private const int ConvNeXtTinyWidth = 768;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private static Dictionary<string, byte[]> Corpus() => new()
    {
        ["b.png"] = TestImages.Encode(300, 200, SKColors.Red),
        ["a.jpg"] = TestImages.Encode(64, 96, SKColors.Blue, SKEncodedImageFormat.Jpeg),
        ["c/d.webp"] = TestImages.Encode(120, 120, SKColors.Green, SKEncodedImageFormat.Webp),
        ["c/e.png"] = TestImages.Encode(50, 70, SKColors.Yellow),
        ["bad.jpg"] = Encoding.ASCII.GetBytes("this is not a JPEG at all"),
        ["Z.png"] = TestImages.Encode(80, 40, SKColors.Purple),
        ["notes.txt"] = Encoding.ASCII.GetBytes("not listed: no image extension"),
    };

    private async Task<(EmbedJobSpec Spec, IJobGrain Job)> SubmitAsync(string name, int shardSize = 2)
    {
        var input = $"az://corpus/{name}";
        await JobTestHelpers.UploadAsync(fixture.Stores, input, Corpus());
        var spec = new EmbedJobSpec { Input = input, Model = Model, Weights = "random", Output = $"az://outputs/{name}", BatchSize = 2, ShardSize = shardSize };
        var job = fixture.Grains.GetGrain<IJobGrain>(name);
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, $"expected the spec to be accepted, got: {submitted.Error}");
        return (spec, job);
    }

    [Fact]
    public async Task EmbedJobWritesOneRowPerImageInListingOrderAndRecordsTheCorruptFile()
    {
        var (spec, job) = await SubmitAsync("rows-in-order");
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

        Assert.Equal(JobState.CompletedWithErrors, status.State);
        Assert.Equal(6, status.TotalItems);
        Assert.Equal(3, status.TotalTasks);
        Assert.Equal(5, status.DoneItems);
        Assert.Equal(1, status.FailedItems);

        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        var paths = new List<string>();
        var failures = new List<FailureRow>();
        for (int shard = 0; shard < status.TotalTasks; shard++)
        {
            var metadata = await ParquetFiles.ReadAsync<EmbeddingMetadataRow>(await ReadAsync(output, OutputLayout.Metadata(shard)), default);
            var (data, shape, dtype) = NpyReader.Read(await output.OpenReadAsync(OutputLayout.Embeddings(shard)));
            Assert.Equal(NpyDType.Float16, dtype);
            Assert.Equal([metadata.Count, ConvNeXtTinyWidth], shape);
            Assert.All(data, v => Assert.True(float.IsFinite(v), "embedding values must be finite"));
            Assert.Equal(Enumerable.Range(0, metadata.Count), metadata.Select(m => m.Row));
            Assert.All(metadata, m => Assert.Equal(shard, m.Shard));
            paths.AddRange(metadata.Select(m => m.ImagePath));
            if (await output.ExistsAsync(OutputLayout.Failures(shard)))
                failures.AddRange(await ParquetFiles.ReadAsync<FailureRow>(await ReadAsync(output, OutputLayout.Failures(shard)), default));
            Assert.True(await output.ExistsAsync(OutputLayout.Marker(shard)), $"shard {shard} has no commit marker");
        }

        // Ordinal listing order: "Z.png" < "a.jpg" < "b.png" < "bad.jpg" < "c/d.webp" < "c/e.png"; bad.jpg has no row.
        string[] expected = ["Z.png", "a.jpg", "b.png", "c/d.webp", "c/e.png"];
        Assert.Equal(expected.Select(k => $"{spec.Input}/{k}"), paths);
        var failure = Assert.Single(failures);
        Assert.Equal($"{spec.Input}/bad.jpg", failure.ImagePath);
        Assert.Equal("decode", failure.Stage);
        Assert.False(string.IsNullOrWhiteSpace(failure.Error));

        Assert.True(await output.ExistsAsync(OutputLayout.SuccessFile));
        var manifest = OutputJson.Deserialize<JobManifest>(await output.ReadAllBytesAsync(OutputLayout.ManifestFile));
        Assert.Equal(5, manifest.TotalRows);
        Assert.Equal("CompletedWithErrors", manifest.State);
        var record = OutputJson.Deserialize<JobRecord>(await output.ReadAllBytesAsync(OutputLayout.JobFile));
        Assert.Equal("random", record.WeightsSha256);
        Assert.Equal(Model, record.Model);
    }

    [Fact]
    public async Task ResubmittingACompletedJobChangesNothing()
    {
        var (spec, job) = await SubmitAsync("resubmit", shardSize: 10);
        var first = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        var before = await SnapshotAsync(output);

        var again = await job.SubmitAsync(spec);

        Assert.True(again.Accepted, again.Error);
        Assert.Equal(first.State, again.Status.State);
        Assert.Equal(first.DoneItems, again.Status.DoneItems);
        var after = await SnapshotAsync(output);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (key, bytes) in before) Assert.True(bytes.SequenceEqual(after[key]), $"{key} changed on resubmit");
    }

    [Fact]
    public async Task ResubmittingTheSameIdWithAnotherSpecIsRefused()
    {
        var (spec, job) = await SubmitAsync("other-spec", shardSize: 10);
        var refused = await job.SubmitAsync(spec with { BatchSize = 7 });
        Assert.False(refused.Accepted);
        Assert.Contains("different spec", refused.Error);
    }

    /// <summary>Parquet readers need a seekable stream; a blob download is not one.</summary>
    private static async Task<Stream> ReadAsync(IObjectStore store, string key) => new MemoryStream(await store.ReadAllBytesAsync(key));

    private static async Task<Dictionary<string, byte[]>> SnapshotAsync(IObjectStore store)
    {
        var files = new Dictionary<string, byte[]>();
        await foreach (var entry in store.ListAsync("")) files[entry.Key] = await store.ReadAllBytesAsync(entry.Key);
        return files;
    }
}
