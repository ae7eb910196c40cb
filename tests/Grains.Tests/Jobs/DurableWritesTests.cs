using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts.Jobs;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// DESIGN.md: "the bytes written per lease do not grow with the number of tasks". Leases, renewals and completions
/// write no grain state: only submit, planning's end and the finish do (checkpoints are timer-driven, and the timer is
/// set beyond the test here). A counting decorator on the "jobs" storage sees every write.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class DurableWritesTests : IDisposable
{
    private const int Tasks = 6;
    private readonly TinyModel model = new();
    private readonly string corpus = Path.Combine(Path.GetTempPath(), $"writes-corpus-{Guid.NewGuid():N}");
    private readonly string output = Path.Combine(Path.GetTempPath(), $"writes-output-{Guid.NewGuid():N}");

    public void Dispose()
    {
        model.Dispose();
        foreach (var dir in new[] { corpus, output }) if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    [Fact]
    public async Task LeasingAndCompletingEveryTaskWritesNoJobStateUntilTheFinish()
    {
        Directory.CreateDirectory(corpus);
        for (int i = 0; i < Tasks; i++) await File.WriteAllBytesAsync(Path.Combine(corpus, $"{i}.png"), TestImages.Encode(24, 24, SKColors.Olive));
        var writes = new StateWriteLog();
        await using var hand = await HandCluster.StartAsync(clock: new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z")), writes: writes,
            jobs: o => o.CheckpointInterval = TimeSpan.FromMinutes(10));
        const string id = "durable-writes";
        var job = hand.Grains.GetGrain<IJobGrain>(id);
        Assert.True((await job.SubmitAsync(new EmbedJobSpec { Input = corpus, Output = output, Model = model.Folder, ShardSize = 1 })).Accepted);
        await writes.WaitForAsync(w => w.JobId == id && w.PlanningDone, TimeSpan.FromMinutes(1), "planning is done");
        int planned = writes.For(id).Count;

        var leases = new List<TaskLease>();
        for (int i = 0; i < Tasks; i++) leases.Add((await job.LeaseTaskAsync(HandCluster.Worker))!);
        Assert.True(leases.All(l => l is not null), $"expected {Tasks} leases, got {leases.Count(l => l is not null)}");
        foreach (var lease in leases) Assert.True(await job.RenewLeaseAsync(lease.Task, lease.LeaseId), $"task {lease.Task}: a live lease must renew");
        var outcomes = new List<TaskOutcome>();
        foreach (var lease in leases) outcomes.Add(await hand.RunAsync(lease));
        for (int i = 0; i < Tasks - 1; i++) await job.CompleteTaskAsync(leases[i].Task, leases[i].LeaseId, outcomes[i]);

        var during = writes.For(id).Skip(planned).ToList();
        Assert.True(during.Count == 0,
            $"expected no job state writes for {Tasks} leases, {Tasks} renewals and {Tasks - 1} completions; saw {during.Count}: {string.Join("; ", during)}");

        await job.CompleteTaskAsync(leases[^1].Task, leases[^1].LeaseId, outcomes[^1]);
        var final = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(1));
        Assert.True(final.State == JobState.Succeeded, $"expected Succeeded, got {final}");
        var last = await writes.WaitForAsync(w => w.JobId == id && w.State == JobState.Succeeded, TimeSpan.FromSeconds(30), "the job is Succeeded");
        var atFinish = writes.For(id).Skip(planned).ToList();
        Assert.True(atFinish.Count == 1, $"expected one job state write at the finish, saw {atFinish.Count}: {string.Join("; ", atFinish)}");
        Assert.True(last.CheckpointBytes <= (Tasks + 7) / 8, $"the checkpoint is a bitmap of {Tasks} tasks ({(Tasks + 7) / 8} bytes), saw {last.CheckpointBytes}");
    }
}
