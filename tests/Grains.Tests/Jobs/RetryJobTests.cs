using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// <c>pipeline retry</c>: failed samples of committed shards rerun in new shards numbered after the last (the old
/// records become superseded history), failed tasks are requeued with fresh attempts, and a job with nothing left to
/// retry is left alone.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class RetryJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public async Task RetryRecoversAnImageThatAppearedLaterInANewShardAndASecondRetryChangesNothing()
    {
        var png = TestImages.Encode(40, 40, SKColors.Blue);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-samples", new Dictionary<string, byte[]>
        {
            ["a.png"] = png, ["b.png"] = TestImages.Encode(30, 50, SKColors.Red), ["c.png"] = png,
            ["list.txt"] = Encoding.UTF8.GetBytes("a.png\nlate.png\nb.png\nc.png\n"),
        });
        var spec = new EmbedJobSpec { Input = "az://corpus/retry-samples/list.txt", Model = model.Folder, Output = "az://outputs/retry-samples", ShardSize = 2, BatchSize = 2 };
        var job = fixture.Grains.GetGrain<IJobGrain>("retry-samples");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        var first = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        Assert.True(first is { State: JobState.CompletedWithErrors, TotalTasks: 2, DoneItems: 3, FailedItems: 1 },
            $"expected CompletedWithErrors with 3 rows and 1 failure in 2 tasks before the upload, got {first}");
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var (failedShard, failure) = Assert.Single(await output.AllFailuresAsync());
        Assert.True(failedShard == 0 && failure is { ImagePath: "late.png", Stage: "read" }, $"expected late.png read failure in shard 0, got {failedShard}: {failure.ImagePath}/{failure.Stage}");

        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-samples", new Dictionary<string, byte[]> { ["late.png"] = TestImages.Encode(20, 20, SKColors.Green) });
        var retried = await job.RetryAsync();
        Assert.True(retried.Accepted, $"expected the retry to be accepted, got: {retried.Error}");
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

        Assert.True(status is { State: JobState.Succeeded, DoneItems: 4, FailedItems: 0, FailedTasks: 0 }, $"expected Succeeded with 4 rows and no failures after the retry, got {status}");
        var rows = await output.AllRowsAsync();
        JobOutputReader.AssertOneRowEach(["a.png", "late.png", "b.png", "c.png"], rows);
        var recovered = rows.Single(r => r.ImagePath == "late.png");
        Assert.True(recovered.Shard == 2, $"expected the recovered image in a new shard after the last (2), got shard {recovered.Shard}");
        Assert.True(await output.Store.ExistsAsync(OutputLayout.Metadata(2)), "expected metadata_00002.parquet");
        var manifest = await output.ManifestAsync();
        Assert.True(manifest.State == "Succeeded" && manifest.TotalFailures == 0 && manifest.TotalRows == 4,
            $"expected a Succeeded manifest with 4 rows and 0 failures, got {manifest.State}, {manifest.TotalRows} rows, {manifest.TotalFailures} failures");
        Assert.Equal([0], manifest.SupersededFailures);
        Assert.Equal([0, 1, 2], manifest.Shards.Select(s => s.Shard));
        Assert.True(await output.Store.ExistsAsync(OutputLayout.SuccessFile), "expected _SUCCESS after the retry");

        var before = await output.SnapshotAsync();
        var again = await job.RetryAsync();
        Assert.True(again.Accepted && again.Status.State == JobState.Succeeded, $"expected a second retry to be a no-op on a Succeeded job, got {again.Status} / {again.Error}");
        Assert.Equal(JobState.Succeeded, (await job.GetStatusAsync()).State);
        JobOutputReader.AssertSame(before, await output.SnapshotAsync(), "a second retry");
    }

    [Fact]
    public async Task RetryRequeuesATaskThatFailedEveryAttempt()
    {
        var corpus = Path.Combine(Path.GetTempPath(), $"retry-task-corpus-{Guid.NewGuid():N}");
        var outputPath = Path.Combine(Path.GetTempPath(), $"retry-task-output-{Guid.NewGuid():N}");
        Directory.CreateDirectory(corpus);
        try
        {
            for (int i = 0; i < 2; i++) await File.WriteAllBytesAsync(Path.Combine(corpus, $"{i}.png"), TestImages.Encode(24, 24, SKColors.Teal));
            await using var hand = await HandCluster.StartAsync(clock: new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z")));
            var job = hand.Grains.GetGrain<IJobGrain>("retry-task");
            Assert.True((await job.SubmitAsync(new EmbedJobSpec { Input = corpus, Output = outputPath, Model = model.Folder, ShardSize = 1, MaxTaskAttempts = 2 })).Accepted);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone, JobTimeout);

            await hand.LeaseRunCompleteAsync(job);
            for (int attempt = 1; attempt <= 2; attempt++)
            {
                var lease = await job.LeaseTaskAsync(HandCluster.Worker);
                Assert.True(lease is { Task: 1 } && lease.Attempt == attempt, $"expected task 1 attempt {attempt}, got {lease}");
                await job.FailTaskAsync(lease!.Task, lease.LeaseId, $"injected failure {attempt}");
            }
            var failed = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
            Assert.True(failed is { State: JobState.CompletedWithErrors, FailedTasks: 1, DoneItems: 1, FailedItems: 1 }, $"expected CompletedWithErrors with task 1 failed, got {failed}");
            var output = JobOutputReader.Open(hand.Stores, outputPath);
            var failedShard = Assert.Single((await output.ManifestAsync()).FailedShards);
            Assert.True(failedShard.Shard == 1 && failedShard.Error.Contains("injected failure 2"), $"expected shard 1 failed with its last error, got {failedShard}");
            Assert.True(await output.Store.ExistsAsync(OutputLayout.FailedMarker(1)), "expected _shards/00001.failed.json");

            var retried = await job.RetryAsync();
            Assert.True(retried.Accepted, retried.Error);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone && s.State == JobState.Running, JobTimeout);
            var (lease2, _) = await hand.LeaseRunCompleteAsync(job);
            Assert.True(lease2.Task == 1 && lease2.Attempt == 1, $"expected task 1 requeued with fresh attempts (attempt 1), got task {lease2.Task} attempt {lease2.Attempt}");
            var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

            Assert.True(status is { State: JobState.Succeeded, FailedTasks: 0, DoneItems: 2, FailedItems: 0 }, $"expected Succeeded after the retry, got {status}");
            var manifest = await output.ManifestAsync();
            Assert.True(manifest.FailedShards.Count == 0 && manifest.TotalRows == 2 && manifest.TotalFailures == 0,
                $"expected no failed shards, 2 rows, 0 failures; got {manifest.FailedShards.Count} failed shards, {manifest.TotalRows} rows, {manifest.TotalFailures} failures");
            Assert.False(await output.Store.ExistsAsync(OutputLayout.FailedMarker(1)), "the failed marker of the requeued task must be gone");
            JobOutputReader.AssertOneRowEach([$"{corpus}/0.png", $"{corpus}/1.png"], await output.AllRowsAsync());
        }
        finally
        {
            Directory.Delete(corpus, true);
            if (Directory.Exists(outputPath)) Directory.Delete(outputPath, true);
        }
    }

    [Fact]
    public async Task RetryingWhileTheImageIsStillMissingKeepsOneStandingFailureThenRecoversIt()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-twice", new Dictionary<string, byte[]>
        {
            ["a.png"] = TestImages.Encode(40, 40, SKColors.Blue),
            ["list.txt"] = Encoding.UTF8.GetBytes("a.png\nlate.png\n"),
        });
        var spec = new EmbedJobSpec { Input = "az://corpus/retry-twice/list.txt", Model = model.Folder, Output = "az://outputs/retry-twice", ShardSize = 10 };
        var job = fixture.Grains.GetGrain<IJobGrain>("retry-twice");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

        Assert.True((await job.RetryAsync()).Accepted);
        var stillMissing = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        Assert.True(stillMissing is { State: JobState.CompletedWithErrors, DoneItems: 1, FailedItems: 1 },
            $"expected one standing failure (not two) after retrying a still-missing image, got {stillMissing}");
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var manifest = await output.ManifestAsync();
        Assert.True(manifest.TotalFailures == 1 && manifest.SupersededFailures.SequenceEqual([0]),
            $"expected 1 failure standing (shard 1) and shard 0 superseded, got {manifest.TotalFailures} and [{string.Join(",", manifest.SupersededFailures)}]");

        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-twice", new Dictionary<string, byte[]> { ["late.png"] = TestImages.Encode(20, 20, SKColors.Green) });
        Assert.True((await job.RetryAsync()).Accepted);
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

        Assert.True(status is { State: JobState.Succeeded, DoneItems: 2, FailedItems: 0 }, $"expected Succeeded with 2 rows, got {status}");
        JobOutputReader.AssertOneRowEach(["a.png", "late.png"], await output.AllRowsAsync());
        manifest = await output.ManifestAsync();
        Assert.True(manifest.TotalFailures == 0 && manifest.SupersededFailures.SequenceEqual([0, 1]) && manifest.Shards.Select(m => m.Shard).SequenceEqual([0, 1, 2]),
            $"expected shards 0-2 with 0 and 1 superseded and no failures, got shards [{string.Join(",", manifest.Shards.Select(m => m.Shard))}], superseded [{string.Join(",", manifest.SupersededFailures)}], {manifest.TotalFailures} failures");
    }

    [Fact]
    public async Task RetryOfAJobWhosePlanningFailedDoesNotReportSuccessWithoutEmbeddingAnything()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-failed-plan", new Dictionary<string, byte[]>
        {
            ["a.png"] = TestImages.Encode(40, 40, SKColors.Blue),
            ["list.txt"] = Encoding.UTF8.GetBytes("\n"),
        });
        var spec = new EmbedJobSpec { Input = "az://corpus/retry-failed-plan/list.txt", Model = model.Folder, Output = "az://outputs/retry-failed-plan" };
        var job = fixture.Grains.GetGrain<IJobGrain>("retry-failed-plan");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        var failed = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        Assert.True(failed.State == JobState.Failed && failed.Error?.Contains("holds no images") == true, $"expected Failed: holds no images, got {failed}");

        // The user fixes the manifest and retries.
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/retry-failed-plan", new Dictionary<string, byte[]> { ["list.txt"] = Encoding.UTF8.GetBytes("a.png\n") });
        var retried = await job.RetryAsync();
        if (!retried.Accepted)
        {
            Assert.False(string.IsNullOrWhiteSpace(retried.Error), "a refused retry must say what to do");
            return;
        }
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
        Assert.True(status.State != JobState.Succeeded || status.DoneItems == 1,
            $"a retried job whose planning had failed reports Succeeded with {status.DoneItems} rows of the manifest's 1 image: {status}; " +
            "expected it to plan the input again (or the retry to be refused with what to do)");
    }
}
