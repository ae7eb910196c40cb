using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Workers;
using Pipeline.Storage;

namespace Pipeline.Grains.Tests;

/// <summary>
/// A small cluster of its own (one silo, no workers unless asked) where the test plays the worker: it leases tasks and
/// runs them through the real <see cref="TaskExecutor"/> and the kind's runner, so every step is the test's to order.
/// Optionally a fake clock (leases never expire), a state-write log on the "jobs" storage, and the shared Azurite.
/// </summary>
public sealed class HandCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;
    private readonly WorkerSlot slot = new(0, "hand/0", "cpu", null);
    private readonly Dictionary<string, ITaskRunner> runners = [];

    private HandCluster(InProcessTestCluster cluster) => this.cluster = cluster;

    public IGrainFactory Grains => cluster.Client;

    public IServiceProvider Services => cluster.Silos[0].ServiceProvider;

    public IObjectStoreFactory Stores => Services.GetRequiredService<IObjectStoreFactory>();

    public static WorkerInfo Worker { get; } = new() { WorkerId = "hand/0" };

    public static async Task<HandCluster> StartAsync(string? connectionString = null, FakeTimeProvider? clock = null, StateWriteLog? writes = null,
        Action<JobOptions>? jobs = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            TestSilo.Configure(silo, workerSlots: 0, memoryStorage: writes is null);
            if (writes is not null)
            {
                silo.AddMemoryGrainStorage("jobs-inner");
                silo.UseInMemoryReminderService();
                silo.Services.AddGrainStorage<IGrainStorage>(GrainStorageNames.Jobs,
                    (sp, _) => new CountingGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>("jobs-inner"), writes));
            }
            if (connectionString is not null) silo.Services.Configure<StorageOptions>(o => o.ConnectionString = connectionString);
            if (clock is not null) silo.Services.AddSingleton<TimeProvider>(clock);
            if (jobs is not null) silo.Services.Configure(jobs);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new HandCluster(cluster);
    }

    /// <summary>Runs a leased task the way a worker does (plan read, runner, marker, publish), without reporting it.</summary>
    public async Task<TaskOutcome> RunAsync(TaskLease lease)
    {
        var kind = Services.GetRequiredService<JobKinds>().For(lease.Spec);
        if (!runners.TryGetValue(kind.Name, out var runner)) runners[kind.Name] = runner = kind.CreateRunner(slot);
        return await Services.GetRequiredService<TaskExecutor>().RunAsync(lease, slot, runner, CancellationToken.None);
    }

    /// <summary>Leases the next task, runs it and reports it complete; fails the test when there is none.</summary>
    public async Task<(TaskLease Lease, TaskOutcome Outcome)> LeaseRunCompleteAsync(IJobGrain job)
    {
        var lease = await job.LeaseTaskAsync(Worker);
        Assert.True(lease is not null, $"expected a task to lease, got none: {await job.GetStatusAsync()}");
        var outcome = await RunAsync(lease!);
        await job.CompleteTaskAsync(lease!.Task, lease.LeaseId, outcome);
        return (lease, outcome);
    }

    /// <summary>Leases, runs and completes tasks until the job hands out none; returns how many ran.</summary>
    public async Task<int> DrainAsync(IJobGrain job)
    {
        int ran = 0;
        while (await job.LeaseTaskAsync(Worker) is { } lease)
        {
            await job.CompleteTaskAsync(lease.Task, lease.LeaseId, await RunAsync(lease));
            ran++;
        }
        return ran;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in runners.Values) runner.Dispose();
        runners.Clear();
        await cluster.DisposeAsync();
    }
}
