using System.Formats.Tar;
using System.Text;
using Pipeline.Contracts.Jobs;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// WebDataset shards: every <c>.tar</c> under the input is one task, its image members become rows named by their
/// member names (non-image members are skipped), and a corrupt member is a failure record, not a failed task.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class WebDatasetJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    private static byte[] Tar(params (string Name, byte[] Bytes)[] members)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, bytes) in members)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
        }
        return stream.ToArray();
    }

    [Fact]
    public async Task EachTarIsOneTaskWithRowsNamedByMemberAndFailuresForCorruptMembers()
    {
        var json = Encoding.UTF8.GetBytes("{\"caption\": \"not an image\"}");
        var corrupt = TestImages.Encode(32, 32, SKColors.Red)[..40]; // a PNG cut off after its header
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/wds", new Dictionary<string, byte[]>
        {
            ["shards/train-000.tar"] = Tar(
                ("000/0001.png", TestImages.Encode(48, 32, SKColors.Blue)), ("000/0001.json", json),
                ("000/0002.jpg", TestImages.Encode(32, 48, SKColors.Green, SKEncodedImageFormat.Jpeg)), ("000/0002.json", json),
                ("000/0003.png", corrupt), ("000/0003.json", json),
                ("000/0004.webp", TestImages.Encode(40, 40, SKColors.Teal, SKEncodedImageFormat.Webp))),
            ["shards/train-001.tar"] = Tar(
                ("001/0101.jpg", Encoding.ASCII.GetBytes("plain text in a .jpg member")), ("001/0101.txt", json),
                ("001/0102.png", TestImages.Encode(64, 20, SKColors.Orange)), ("001/0102.json", json)),
            ["shards/readme.md"] = Encoding.UTF8.GetBytes("not listed"),
        });
        var spec = new EmbedJobSpec { Input = "az://corpus/wds/shards", Model = model.Folder, Output = "az://outputs/wds", BatchSize = 2, ShardSize = 1 };
        var job = fixture.Grains.GetGrain<IJobGrain>("wds");
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, submitted.Error);

        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(status.State == JobState.CompletedWithErrors, $"expected CompletedWithErrors (two corrupt members), got {status}");
        Assert.True(status is { TotalTasks: 2, CompletedTasks: 2, FailedTasks: 0, DoneItems: 4, FailedItems: 2 },
            $"expected one task per tar (2), 4 rows and 2 failure records despite --shard-size 1; got {status}");
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var first = await output.MetadataAsync(0);
        var second = await output.MetadataAsync(1);
        Assert.Equal(new[] { "000/0001.png", "000/0002.jpg", "000/0004.webp" }, first.Select(r => r.ImagePath));
        Assert.Equal(new[] { "001/0102.png" }, second.Select(r => r.ImagePath));
        Assert.Equal(new[] { (48, 32), (32, 48), (40, 40) }, first.Select(r => (r.Width, r.Height)));
        var failures = await output.AllFailuresAsync();
        Assert.Equal(new[] { (0, "000/0003.png", "decode"), (1, "001/0101.jpg", "decode") },
            failures.Select(f => (f.Shard, f.Failure.ImagePath, f.Failure.Stage)));
        var manifest = await output.ManifestAsync();
        Assert.True(manifest is { TotalRows: 4, TotalFailures: 2 }, $"expected 4 rows and 2 failures in the manifest, got {manifest.TotalRows} / {manifest.TotalFailures}");
    }

    [Fact]
    public async Task AFileThatIsNotATarIsAReadFailureAndRetryRerunsItOnceFixed()
    {
        const string input = "az://corpus/wds-broken/shards";
        await JobTestHelpers.UploadAsync(fixture.Stores, input, new Dictionary<string, byte[]>
        {
            ["a.tar"] = Tar(("a/1.png", TestImages.Encode(32, 32, SKColors.Blue)), ("a/2.png", TestImages.Encode(32, 32, SKColors.Red))),
            ["b.tar"] = Encoding.ASCII.GetBytes("this is not a tar archive at all, just some bytes"),
        });
        var spec = new EmbedJobSpec { Input = input, Model = model.Folder, Output = "az://outputs/wds-broken", BatchSize = 2 };
        var job = fixture.Grains.GetGrain<IJobGrain>("wds-broken");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(status is { State: JobState.CompletedWithErrors, TotalTasks: 2, FailedTasks: 0, DoneItems: 2, FailedItems: 1 },
            $"expected the non-tar to be one failure record (not a failed task) beside 2 rows, got {status}");
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var (shard, failure) = Assert.Single(await output.AllFailuresAsync());
        Assert.True(shard == 1 && failure.ImagePath == $"{input}/b.tar" && failure.Stage == "read",
            $"expected a read failure for {input}/b.tar in shard 1, got shard {shard}: {failure.ImagePath} / {failure.Stage} / {failure.Error}");

        await JobTestHelpers.UploadAsync(fixture.Stores, input, new Dictionary<string, byte[]> { ["b.tar"] = Tar(("b/1.png", TestImages.Encode(32, 32, SKColors.Green))) });
        Assert.True((await job.RetryAsync()).Accepted);
        var retried = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(retried is { State: JobState.Succeeded, DoneItems: 3, FailedItems: 0 }, $"expected Succeeded with 3 rows after fixing the tar, got {retried}");
        JobOutputReader.AssertOneRowEach(["a/1.png", "a/2.png", "b/1.png"], await output.AllRowsAsync());
        var manifest = await output.ManifestAsync();
        Assert.True(manifest.SupersededFailures.SequenceEqual([1]) && manifest.TotalFailures == 0,
            $"expected shard 1's failure superseded and no failures left, got superseded [{string.Join(",", manifest.SupersededFailures)}], {manifest.TotalFailures} failures");
    }

    [Fact]
    public async Task RetryLeavesACorruptMemberOfAReadableTarFailed()
    {
        const string input = "az://corpus/wds-retry-member";
        await JobTestHelpers.UploadAsync(fixture.Stores, input, new Dictionary<string, byte[]>
        {
            ["a.tar"] = Tar(("a/1.png", TestImages.Encode(32, 32, SKColors.Blue)), ("a/2.png", Encoding.ASCII.GetBytes("not a png"))),
        });
        var spec = new EmbedJobSpec { Input = input, Model = model.Folder, Output = "az://outputs/wds-retry-member" };
        var job = fixture.Grains.GetGrain<IJobGrain>("wds-retry-member");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        var first = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));
        Assert.True(first is { State: JobState.CompletedWithErrors, DoneItems: 1, FailedItems: 1 }, $"expected 1 row and 1 failure record, got {first}");

        // A readable tar does not rerun (its rows would repeat), so its corrupt member stays failed: nothing was recovered.
        Assert.True((await job.RetryAsync()).Accepted);
        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));
        var manifest = await JobOutputReader.Open(fixture.Stores, spec.Output).ManifestAsync();
        Assert.True(status is { State: JobState.CompletedWithErrors, FailedItems: 1 } && manifest.TotalFailures == 1,
            $"expected the corrupt member to stay a standing failure after a retry that did not rerun it (CompletedWithErrors, 1 failure); " +
            $"got status {status.State} with {status.FailedItems} failed items, manifest {manifest.State} with {manifest.TotalFailures} failures, superseded [{string.Join(",", manifest.SupersededFailures)}]");
    }
}
