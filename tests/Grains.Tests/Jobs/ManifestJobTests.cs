using System.Text;
using Parquet.Serialization;
using Pipeline.Contracts.Jobs;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// Manifest corpora (.txt, .csv, .parquet of paths): relative paths resolve against the manifest's folder, absolute
/// local paths and az:// paths are read as they are; <c>image_path</c> is the path exactly as the manifest writes it,
/// rows follow manifest order across shards, and a path that cannot be read is a <c>read</c> failure record.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class ManifestJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);
    private readonly TinyModel model = new();
    private readonly string local = Path.Combine(Path.GetTempPath(), $"manifest-local-{Guid.NewGuid():N}");

    public void Dispose()
    {
        model.Dispose();
        if (Directory.Exists(local)) Directory.Delete(local, true);
    }

    private static byte[] Png(SKColor color) => TestImages.Encode(40, 30, color);

    private async Task<string> LocalImageAsync(string name, SKColor color)
    {
        Directory.CreateDirectory(local);
        var path = Path.Combine(local, name);
        await File.WriteAllBytesAsync(path, Png(color));
        return path;
    }

    private async Task<(JobOutputReader Output, JobStatus Status)> RunAsync(string jobId, string input, int shardSize)
    {
        var spec = new EmbedJobSpec { Input = input, Model = model.Folder, Output = $"az://outputs/{jobId}", BatchSize = 2, ShardSize = shardSize };
        var job = fixture.Grains.GetGrain<IJobGrain>(jobId);
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, $"expected {input} to be accepted, got: {submitted.Error}");
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        return (JobOutputReader.Open(fixture.Stores, spec.Output), status);
    }

    [Fact]
    public async Task TextManifestKeepsPathsAsWrittenInManifestOrderAndRecordsTheMissingOne()
    {
        var absolute = await LocalImageAsync("abs.png", SKColors.Red);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-txt", new Dictionary<string, byte[]>
        {
            ["imgs/a.png"] = Png(SKColors.Blue),
            ["imgs/b.png"] = Png(SKColors.Green),
        });
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-elsewhere", new Dictionary<string, byte[]> { ["c.png"] = Png(SKColors.Yellow) });
        string[] lines = ["imgs/b.png", absolute, "imgs/missing.png", "az://corpus/manifest-elsewhere/c.png", "./imgs/../imgs/a.png"];
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-txt", new Dictionary<string, byte[]>
        {
            ["list.txt"] = Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\n\n"),
        });

        var (output, status) = await RunAsync("manifest-txt", "az://corpus/manifest-txt/list.txt", shardSize: 2);

        Assert.True(status.State == JobState.CompletedWithErrors, $"expected CompletedWithErrors (one missing file), got {status}");
        Assert.True(status is { TotalTasks: 3, DoneItems: 4, FailedItems: 1 }, $"expected 3 tasks, 4 rows, 1 failure; got {status}");
        var rows = await output.AllRowsAsync();
        Assert.Equal(new[] { "imgs/b.png", absolute, "az://corpus/manifest-elsewhere/c.png", "./imgs/../imgs/a.png" }, rows.Select(r => r.ImagePath));
        var (shard, failure) = Assert.Single(await output.AllFailuresAsync());
        Assert.True(shard == 1 && failure.ImagePath == "imgs/missing.png" && failure.Stage == "read",
            $"expected a read failure for imgs/missing.png in shard 1, got shard {shard}: {failure.ImagePath} / {failure.Stage} / {failure.Error}");
        Assert.All(rows, r => Assert.True(r.Width == 40 && r.Height == 30, $"{r.ImagePath}: expected 40x30, got {r.Width}x{r.Height}"));
    }

    [Fact]
    public async Task CsvManifestReadsTheImagePathColumn()
    {
        var absolute = await LocalImageAsync("csv-abs.png", SKColors.Orange);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-csv", new Dictionary<string, byte[]>
        {
            ["x/1.png"] = Png(SKColors.Blue),
            ["x/2.png"] = Png(SKColors.Green),
        });
        var csv = "id,label,image_path\n" +
                  "1,\"cat, black\",x/2.png\n" +
                  $"2,dog,{absolute}\n" +
                  "3,\"a \"\"quoted\"\" bird\",x/1.png\n";
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-csv", new Dictionary<string, byte[]> { ["list.csv"] = Encoding.UTF8.GetBytes(csv) });

        var (output, status) = await RunAsync("manifest-csv", "az://corpus/manifest-csv/list.csv", shardSize: 10);

        Assert.True(status.State == JobState.Succeeded, $"expected Succeeded, got {status}");
        Assert.Equal(new[] { "x/2.png", absolute, "x/1.png" }, (await output.AllRowsAsync()).Select(r => r.ImagePath));
    }

    public sealed class ParquetManifestRow
    {
        public long Id { get; set; }
        public string? Path { get; set; }
    }

    [Fact]
    public async Task ParquetManifestReadsThePathColumn()
    {
        var absolute = await LocalImageAsync("pq-abs.png", SKColors.Purple);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-pq", new Dictionary<string, byte[]>
        {
            ["p/1.png"] = Png(SKColors.Blue),
            ["p/2.png"] = Png(SKColors.Green),
            ["p/3.png"] = Png(SKColors.Teal),
        });
        ParquetManifestRow[] manifest =
        [
            new() { Id = 1, Path = "p/3.png" }, new() { Id = 2, Path = absolute }, new() { Id = 3, Path = "p/1.png" },
            new() { Id = 4, Path = "az://corpus/manifest-pq/p/2.png" },
        ];
        using var bytes = new MemoryStream();
        await ParquetSerializer.SerializeAsync(manifest, bytes);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/manifest-pq", new Dictionary<string, byte[]> { ["list.parquet"] = bytes.ToArray() });

        var (output, status) = await RunAsync("manifest-pq", "az://corpus/manifest-pq/list.parquet", shardSize: 3);

        Assert.True(status.State == JobState.Succeeded && status.TotalTasks == 2, $"expected Succeeded in 2 tasks, got {status}");
        Assert.Equal(manifest.Select(m => m.Path), (await output.AllRowsAsync()).Select(r => r.ImagePath));
    }
}
