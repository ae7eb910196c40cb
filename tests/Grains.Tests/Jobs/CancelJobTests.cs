using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts.Jobs;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// <c>pipeline cancel</c> on a running job: it stops handing out tasks, committed shards stay as they are, and
/// resubmitting the same id continues the job to the end with exactly one row per image.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class CancelJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private const int Images = 24;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public async Task CancelStopsLeasingKeepsCommittedShardsAndResubmitContinues()
    {
        var files = Enumerable.Range(0, Images).ToDictionary(i => $"{i:D2}.png", i => TestImages.Encode(32 + i, 32, new SKColor((byte)(i * 15), 80, 160)));
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/cancel", files);
        var spec = new EmbedJobSpec { Input = "az://corpus/cancel", Model = model.Folder, Output = "az://outputs/cancel", ShardSize = 1, BatchSize = 1 };
        var job = fixture.Grains.GetGrain<IJobGrain>("cancel");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        await JobTestHelpers.WaitForAsync(job, s => s.CompletedTasks >= 2, JobTimeout);

        var cancelled = await job.CancelAsync();

        Assert.True(cancelled.State == JobState.Cancelled, $"expected Cancelled, got {cancelled}");
        Assert.True(cancelled.CompletedTasks < Images, $"the job finished before it could be cancelled ({cancelled}); make it larger");
        Assert.True(cancelled.RunningTasks == 0, $"expected no leases held after cancel, got {cancelled.RunningTasks}");
        Assert.Null(await job.LeaseTaskAsync(new WorkerInfo { WorkerId = "probe" }));
        var output = JobOutputReader.Open(fixture.Stores, spec.Output);
        var atCancel = await output.SnapshotAsync();
        var markersAtCancel = (await output.MarkersAsync()).Select(m => m.Shard).ToList();

        // The worker may finish the attempt it held when the cancel came (its lease dies at the next renewal, 20 s away);
        // beyond that one, nothing may be leased or committed. Watch the output for a while to see that.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var markersLater = (await output.MarkersAsync()).Select(m => m.Shard).ToList();
        Assert.True(markersLater.Count <= markersAtCancel.Count + 1 && markersAtCancel.All(markersLater.Contains),
            $"expected at most the in-flight attempt to commit after cancel; markers at cancel [{string.Join(",", markersAtCancel)}], 1.5 s later [{string.Join(",", markersLater)}]");
        var still = await job.GetStatusAsync();
        Assert.True(still.State == JobState.Cancelled, $"expected the job to stay Cancelled, got {still}");
        Assert.False(await output.Store.ExistsAsync("_SUCCESS"), "a cancelled job must not write _SUCCESS");

        var resumed = await job.SubmitAsync(spec);
        Assert.True(resumed.Accepted, $"expected resubmitting a cancelled job to continue it, got: {resumed.Error}");
        var status = await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);

        Assert.True(status is { State: JobState.Succeeded, TotalTasks: Images, CompletedTasks: Images, DoneItems: Images },
            $"expected Succeeded with {Images} rows after resuming, got {status}");
        JobOutputReader.AssertOneRowEach(files.Keys.Select(k => $"{spec.Input}/{k}"), await output.AllRowsAsync());
        var after = await output.SnapshotAsync();
        foreach (var (key, bytes) in atCancel.Where(f => f.Key.StartsWith("_shards/") || f.Key.StartsWith("img_emb/") || f.Key.StartsWith("metadata/")))
            Assert.True(after.TryGetValue(key, out var now) && now.AsSpan().SequenceEqual(bytes), $"{key}, committed before the cancel, changed or vanished");
    }

    [Fact]
    public async Task RetryOfACancelledJobRunsTheTasksTheCancelLeftOrIsRefused()
    {
        var corpus = Path.Combine(Path.GetTempPath(), $"cancel-retry-corpus-{Guid.NewGuid():N}");
        var outputPath = Path.Combine(Path.GetTempPath(), $"cancel-retry-output-{Guid.NewGuid():N}");
        Directory.CreateDirectory(corpus);
        try
        {
            for (int i = 0; i < 3; i++) await File.WriteAllBytesAsync(Path.Combine(corpus, $"{i}.png"), TestImages.Encode(24, 24, SKColors.Teal));
            await using var hand = await HandCluster.StartAsync(clock: new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z")));
            var job = hand.Grains.GetGrain<IJobGrain>("cancel-retry");
            Assert.True((await job.SubmitAsync(new EmbedJobSpec { Input = corpus, Output = outputPath, Model = model.Folder, ShardSize = 1 })).Accepted);
            await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone, JobTimeout);
            await hand.LeaseRunCompleteAsync(job);
            Assert.Equal(JobState.Cancelled, (await job.CancelAsync()).State);

            var retried = await job.RetryAsync();
            if (!retried.Accepted)
            {
                Assert.False(string.IsNullOrWhiteSpace(retried.Error), "a refused retry must say what to do");
                return;
            }
            await JobTestHelpers.WaitForAsync(job, s => s.IsFinal || (s.PlanningDone && s.State == JobState.Running), JobTimeout);
            // Lease until the job ends: a task the retry re-queues may become leasable a moment after another
            // lease came back empty, so an empty lease does not mean the work is done.
            var deadline = DateTime.UtcNow + JobTimeout;
            JobStatus status;
            while (!(status = await job.GetStatusAsync()).IsFinal)
            {
                if (await job.LeaseTaskAsync(HandCluster.Worker) is { } lease)
                    await job.CompleteTaskAsync(lease.Task, lease.LeaseId, await hand.RunAsync(lease));
                else if (DateTime.UtcNow > deadline)
                    Assert.Fail($"job cancel-retry did not end within {JobTimeout}: last status {status}");
                else
                    await Task.Delay(50);
            }
            var rows = await JobOutputReader.Open(hand.Stores, outputPath).AllRowsAsync();
            Assert.True(status.State != JobState.Succeeded || rows.Count == 3,
                $"retry of a cancelled job ended {status.State} with {rows.Count} of 3 images embedded ({status}); expected the 2 tasks the cancel left to run (or the retry refused)");
        }
        finally
        {
            Directory.Delete(corpus, true);
            if (Directory.Exists(outputPath)) Directory.Delete(outputPath, true);
        }
    }
}
