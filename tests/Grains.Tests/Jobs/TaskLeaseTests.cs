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
public sealed class ShardLeaseTests : IAsyncLifetime
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
            silo.AddMemoryGrainStorage(GrainStorageNames.Jobs);
            silo.Services.AddPipelineSiloServices(workerSlots: 0);
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
            ShardSize = 1, MaxShardAttempts = maxAttempts,
        });
        Assert.True(result.Accepted, result.Error);
        Assert.Equal(3, result.Status.TotalShards);
        return job;
    }

    [Fact]
    public async Task AnExpiredLeaseReturnsTheShardToTheQueueAndTheOldHolderLosesIt()
    {
        var job = await SubmitAsync("expiry", maxAttempts: 3);
        var first = await job.LeaseShardAsync("worker-a");
        Assert.NotNull(first);
        Assert.Equal(0, first!.Shard);

        var second = await job.LeaseShardAsync("worker-b");
        Assert.Equal(1, second!.Shard);

        clock.Advance(Lease / 2);
        Assert.True(await job.RenewLeaseAsync(1, second.LeaseId), "a live lease must renew");
        clock.Advance(Lease / 2 + TimeSpan.FromSeconds(1));

        // Shard 0's lease ran out; shard 1's was renewed and still holds.
        var again = await job.LeaseShardAsync("worker-c");
        Assert.Equal(0, again!.Shard);
        Assert.Equal(2, again.Attempt);
        Assert.False(await job.RenewLeaseAsync(0, first.LeaseId), "the expired holder must not renew");
        Assert.True(await job.RenewLeaseAsync(1, second.LeaseId));
    }

    [Fact]
    public async Task AShardThatFailsEveryAttemptIsMarkedFailedWithItsLastError()
    {
        var job = await SubmitAsync("attempts", maxAttempts: 2);
        var lease = await job.LeaseShardAsync("worker-a");
        await job.FailShardAsync(lease!.Shard, lease.LeaseId, "first failure");
        var retry = await job.LeaseShardAsync("worker-a");
        Assert.Equal(lease.Shard, retry!.Shard);
        Assert.Equal(2, retry.Attempt);
        await job.FailShardAsync(retry.Shard, retry.LeaseId, "second failure");

        var status = await job.GetStatusAsync();
        Assert.Equal(1, status.FailedShards);
        Assert.Equal(JobState.Running, status.State);
        var next = await job.LeaseShardAsync("worker-a");
        Assert.Equal(1, next!.Shard);
    }

    [Fact]
    public async Task ACompletionReportedTwiceCountsOnce()
    {
        var job = await SubmitAsync("twice", maxAttempts: 3);
        var lease = await job.LeaseShardAsync("worker-a");
        await job.CompleteShardAsync(lease!.Shard, lease.LeaseId, new ShardOutcome { Rows = 1 });
        await job.CompleteShardAsync(lease.Shard, lease.LeaseId, new ShardOutcome { Rows = 1 });
        var status = await job.GetStatusAsync();
        Assert.Equal(1, status.CompletedShards);
        Assert.Equal(1, status.EmbeddedImages);
    }
}
