using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;
using Pipeline.Silo;
using Pipeline.Storage;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// Leases on a cluster with no workers and a fake clock: the test plays the workers, so expiry, renewal and the
/// attempt limit are exact, without sleeps.
/// </summary>
public sealed class TaskLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
    private readonly string corpus = Path.Combine(Path.GetTempPath(), $"lease-corpus-{Guid.NewGuid():N}");
    private readonly string output = Path.Combine(Path.GetTempPath(), $"lease-output-{Guid.NewGuid():N}");
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(corpus);
        for (int i = 0; i < 3; i++) await File.WriteAllBytesAsync(Path.Combine(corpus, $"{i}.png"), TestImages.Encode(16, 16, SKColors.Teal));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            TestSilo.Configure(silo, workerSlots: 0);
            silo.Services.Configure<JobOptions>(o => o.LeaseDuration = Lease);
            silo.Services.AddSingleton<TimeProvider>(clock);
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        Directory.Delete(corpus, true);
        if (Directory.Exists(output)) Directory.Delete(output, true);
    }

    private async Task<IJobGrain> SubmitAsync(string jobId, int maxAttempts)
    {
        var job = cluster.Client.GetGrain<IJobGrain>(jobId);
        var result = await job.SubmitAsync(new EmbedJobSpec
        {
            Input = corpus, Output = Path.Combine(output, jobId), Model = "convnext_tiny.fb_in22k_ft_in1k", Weights = "random",
            ShardSize = 1, MaxTaskAttempts = maxAttempts,
        });
        Assert.True(result.Accepted, result.Error);
        var planned = await JobTestHelpers.WaitForAsync(job, s => s.PlanningDone, TimeSpan.FromSeconds(30));
        Assert.Equal(3, planned.TotalTasks);
        return job;
    }

    private static WorkerInfo Worker(string name) => new() { WorkerId = $"worker-{name}" };

    [Fact]
    public async Task AnExpiredLeaseReturnsTheTaskToTheQueueAndTheOldHolderLosesIt()
    {
        var job = await SubmitAsync("expiry", maxAttempts: 3);
        var first = await job.LeaseTaskAsync(Worker("a"));
        Assert.NotNull(first);
        Assert.Equal(0, first!.Task);

        var second = await job.LeaseTaskAsync(Worker("b"));
        Assert.Equal(1, second!.Task);

        clock.Advance(Lease / 2);
        Assert.True(await job.RenewLeaseAsync(1, second.LeaseId), "a live lease must renew");
        clock.Advance(Lease / 2 + TimeSpan.FromSeconds(1));

        // Task 0's lease ran out; task 1's was renewed and still holds.
        var again = await job.LeaseTaskAsync(Worker("c"));
        Assert.Equal(0, again!.Task);
        Assert.Equal(2, again.Attempt);
        Assert.False(await job.RenewLeaseAsync(0, first.LeaseId), "the expired holder must not renew");
        Assert.True(await job.RenewLeaseAsync(1, second.LeaseId));
    }

    [Fact]
    public async Task ATaskThatFailsEveryAttemptIsMarkedFailedWithItsLastError()
    {
        var job = await SubmitAsync("attempts", maxAttempts: 2);
        var lease = await job.LeaseTaskAsync(Worker("a"));
        await job.FailTaskAsync(lease!.Task, lease.LeaseId, "first failure");
        var retry = await job.LeaseTaskAsync(Worker("a"));
        Assert.Equal(lease.Task, retry!.Task);
        Assert.Equal(2, retry.Attempt);
        await job.FailTaskAsync(retry.Task, retry.LeaseId, "second failure");

        var status = await job.GetStatusAsync();
        Assert.Equal(1, status.FailedTasks);
        Assert.Equal(JobState.Running, status.State);
        Assert.Contains("second failure", status.Error);
        var next = await job.LeaseTaskAsync(Worker("a"));
        Assert.Equal(1, next!.Task);
    }

    [Fact]
    public async Task ACompletionReportedTwiceCountsOnce()
    {
        var job = await SubmitAsync("twice", maxAttempts: 3);
        var lease = await job.LeaseTaskAsync(Worker("a"));
        await job.CompleteTaskAsync(lease!.Task, lease.LeaseId, new TaskOutcome { Rows = 1 });
        await job.CompleteTaskAsync(lease.Task, lease.LeaseId, new TaskOutcome { Rows = 1 });
        var status = await job.GetStatusAsync();
        Assert.Equal(1, status.CompletedTasks);
        Assert.Equal(1, status.DoneItems);
    }
}
