using System.Text;
using Azure.Storage.Blobs;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// The durable truth of a job is in storage: a cluster that never saw the job (its grain state is gone) continues it
/// from the plan and the markers when the same id is submitted, and leaves the committed shards untouched.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class ResumeJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private const int Images = 4;
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public async Task AFreshClusterContinuesAJobFromItsMarkersWithoutRewritingCommittedShards()
    {
        var files = Enumerable.Range(0, Images).ToDictionary(i => $"{i}.png", i => TestImages.Encode(28, 28 + i, SKColors.Maroon));
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/resume", files);
        var spec = new EmbedJobSpec { Input = "az://corpus/resume", Model = model.Folder, Output = "az://outputs/resume", ShardSize = 1 };
        const string id = "resume-lost-state";

        // A first cluster on the same Azurite commits two of the four tasks, then goes away with its grain state.
        await using (var first = await HandCluster.StartAsync(connectionString: fixture.Azurite.ConnectionString))
        {
            var job = first.Grains.GetGrain<IJobGrain>(id);
            Assert.True((await job.SubmitAsync(spec)).Accepted);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone, TimeSpan.FromMinutes(1));
            await first.LeaseRunCompleteAsync(job);
            await first.LeaseRunCompleteAsync(job);
        }
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var committed = await output.MarkersAsync();
        Assert.Equal([0, 1], committed.Select(m => m.Shard));
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient("outputs");
        var keys = committed.SelectMany(m => m.Files.Append(OutputLayout.Marker(m.Shard))).ToList();
        var etags = new Dictionary<string, string>();
        foreach (var key in keys) etags[key] = (await container.GetBlobClient($"resume/{key}").GetPropertiesAsync()).Value.ETag.ToString();

        var resumed = fixture.Grains.GetGrain<IJobGrain>(id);
        var submitted = await resumed.SubmitAsync(spec);
        Assert.True(submitted.Accepted, $"expected the same id to be accepted on a fresh cluster, got: {submitted.Error}");
        var status = await JobTestHelpers.WaitForFinalAsync(resumed, TimeSpan.FromMinutes(2));

        Assert.True(status is { State: JobState.Succeeded, TotalTasks: Images, DoneItems: Images, Retries: 0 }, $"expected Succeeded with {Images} rows in {Images} tasks, got {status}");
        JobOutputReader.AssertOneRowEach(files.Keys.Select(k => $"{spec.Input}/{k}"), await output.AllRowsAsync());
        Assert.Equal(Enumerable.Range(0, Images), (await output.MarkersAsync()).Select(m => m.Shard));
        foreach (var key in keys)
        {
            var now = (await container.GetBlobClient($"resume/{key}").GetPropertiesAsync()).Value.ETag.ToString();
            Assert.True(now == etags[key], $"{key} was committed by the first cluster and must not be rewritten: ETag {etags[key]} -> {now}");
        }
        var manifest = await output.ManifestAsync();
        Assert.True(manifest.TotalRows == Images && manifest.State == "Succeeded", $"expected a Succeeded manifest of {Images} rows, got {manifest.State} / {manifest.TotalRows}");
    }

    [Fact]
    public async Task RetryOnAFreshClusterDoesNotRerunFailuresAnEarlierRetryAlreadySuperseded()
    {
        const string corpus = "az://corpus/resume-superseded";
        await JobTestHelpers.UploadAsync(fixture.Stores, corpus, new Dictionary<string, byte[]>
        {
            ["a.png"] = TestImages.Encode(30, 30, SKColors.Blue),
            ["list.txt"] = Encoding.UTF8.GetBytes("a.png\nx.png\ny.png\n"),
        });
        var spec = new EmbedJobSpec { Input = $"{corpus}/list.txt", Model = model.Folder, Output = "az://outputs/resume-superseded", ShardSize = 10 };
        const string id = "resume-superseded";

        // First cluster: x and y are missing; x appears and a retry recovers it (shard 0's records superseded, y fails again in shard 1).
        await using (var first = await HandCluster.StartAsync(connectionString: fixture.Azurite.ConnectionString))
        {
            var job = first.Grains.GetGrain<IJobGrain>(id);
            Assert.True((await job.SubmitAsync(spec)).Accepted);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone, TimeSpan.FromMinutes(1));
            await first.DrainAsync(job);
            await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(1));
            await JobTestHelpers.UploadAsync(fixture.Stores, corpus, new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(20, 20, SKColors.Red) });
            Assert.True((await job.RetryAsync()).Accepted);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone && s.State == JobState.Running, TimeSpan.FromMinutes(1));
            await first.DrainAsync(job);
            var afterRetry = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(1));
            Assert.True(afterRetry is { State: JobState.CompletedWithErrors, DoneItems: 2, FailedItems: 1 }, $"expected a, x embedded and y failed after the first retry, got {afterRetry}");
        }
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        Assert.Equal([0], (await output.ManifestAsync()).SupersededFailures);

        // A fresh cluster (no grain state): y appears, and a retry must rerun y only.
        await JobTestHelpers.UploadAsync(fixture.Stores, corpus, new Dictionary<string, byte[]> { ["y.png"] = TestImages.Encode(20, 20, SKColors.Green) });
        var resumed = fixture.Grains.GetGrain<IJobGrain>(id);
        var adopted = await resumed.SubmitAsync(spec);
        Assert.True(adopted.Accepted && adopted.Status.State == JobState.CompletedWithErrors, $"expected the fresh cluster to adopt the finished job, got {adopted.Status} / {adopted.Error}");
        Assert.True((await resumed.RetryAsync()).Accepted);
        var status = await JobTestHelpers.WaitForFinalAsync(resumed, TimeSpan.FromMinutes(2));

        Assert.True(status.State == JobState.Succeeded, $"expected Succeeded once y exists, got {status}");
        JobOutputReader.AssertOneRowEach(["a.png", "x.png", "y.png"], await output.AllRowsAsync());
        var manifest = await output.ManifestAsync();
        Assert.True(manifest.TotalRows == 3 && manifest.TotalFailures == 0, $"expected 3 rows and no failures in the manifest, got {manifest.TotalRows} / {manifest.TotalFailures}");
    }
}
