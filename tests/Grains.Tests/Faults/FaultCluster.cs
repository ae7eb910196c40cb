using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Workers;
using Pipeline.Storage;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>What a fault test's cluster looks like: its lease, its storage chaos, its silos.</summary>
public sealed record FaultClusterSettings
{
    public short Silos { get; init; } = 3;
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);
    public StorageChaosOptions? Chaos { get; init; }
}

/// <summary>
/// A 3-silo in-process cluster whose job and queue grain state lives in Azure Blob storage (and reminders in Azure
/// Table storage) on the shared Azurite, so a killed silo's grains come back elsewhere with their state. Each silo has
/// one worker slot. Membership declares a killed silo dead within a few seconds.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private static int clusters;
    private readonly InProcessTestCluster cluster;
    private readonly ConcurrentDictionary<string, SilentCrash> crashes;

    private FaultCluster(InProcessTestCluster cluster, ConcurrentDictionary<string, SilentCrash> crashes) => (this.cluster, this.crashes) = (cluster, crashes);

    public InProcessTestCluster Host => cluster;

    public IClusterClient Client => cluster.Client;

    public static async Task<FaultCluster> StartAsync(string connection, FaultClusterSettings settings)
    {
        // Orleans' blob grain storage does not scope blobs by service id: give each cluster its own container so clusters
        // of one test run never read each other's job or queue state.
        var container = $"grainstate-{Environment.ProcessId}-{Interlocked.Increment(ref clusters)}";
        var builder = new InProcessTestClusterBuilder(settings.Silos);
        builder.Options.ConfigureFileLogging = false;
        var crashes = new ConcurrentDictionary<string, SilentCrash>();
        builder.ConfigureSiloHost((options, host) => crashes.GetOrAdd(options.SiloName, _ => new SilentCrash()).Install(host));
        builder.ConfigureSilo((_, silo) =>
        {
            TestSilo.Configure(silo, workerSlots: 1, memoryStorage: false);
            silo.AddAzureBlobGrainStorage(GrainStorageNames.Jobs, o =>
            {
                o.BlobServiceClient = new BlobServiceClient(connection);
                o.ContainerName = container;
            });
            silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(connection));
            silo.Services.Configure<StorageOptions>(o =>
            {
                o.ConnectionString = connection;
                if (settings.Chaos is not null)
                {
                    // Enough retries that 20% faults never exhaust them (0.2^11 per call), short so the job stays quick.
                    o.MaxRetryAttempts = 10;
                    o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                    o.CircuitBreakDuration = TimeSpan.FromMilliseconds(500);
                }
            });
            if (settings.Chaos is { } chaos)
            {
                silo.Services.Configure<StorageChaosOptions>(o =>
                {
                    o.FaultRate = chaos.FaultRate;
                    o.StallRate = chaos.StallRate;
                    o.Stall = chaos.Stall;
                    o.Seed = chaos.Seed;
                });
            }
            silo.Services.Configure<JobOptions>(o =>
            {
                o.LeaseDuration = settings.LeaseDuration;
                o.ReclaimInterval = TimeSpan.FromMilliseconds(200);
                o.CheckpointInterval = TimeSpan.FromSeconds(1);
            });
            silo.Services.Configure<ClusterMembershipOptions>(o =>
            {
                // A killed silo is declared dead after 2 missed 1 s probes by one voter (instead of 3 x 5 s by 2).
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
                o.EnableIndirectProbes = false;
                // Silos learn of changes from the table (refreshed every second), not from the changer's gossip: a
                // silently crashed silo (SilentCrash) would otherwise gossip the status writes the table never got.
                o.UseLivenessGossip = false;
                // A replacement silo that cannot join says so in 30 s instead of 5 min.
                o.MaxJoinAttemptTime = TimeSpan.FromSeconds(30);
            });
            silo.Services.Configure<WorkerOptions>(o => o.DecodeThreads = 1);
            // No call here awaits long work: a call to a dead silo should fail in seconds, not after the default 30 s.
            silo.Services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var built = builder.Build();
        await built.DeployAsync();
        return new FaultCluster(built, crashes);
    }

    /// <summary>
    /// Kills <paramref name="silo"/> as a crashed process dies: without telling the membership table, so the survivors
    /// have to miss its probes and declare it dead (TestingHost's kill alone lets the silo write its own death).
    /// </summary>
    public async Task CrashSiloAsync(InProcessSiloHandle silo)
    {
        crashes[silo.Name].Crash();
        await cluster.KillSiloAsync(silo);
    }

    /// <summary>Waits until the cluster's membership says <paramref name="silo"/> is dead; returns how long that took.</summary>
    public async Task WaitUntilDeclaredDeadAsync(InProcessSiloHandle silo, TimeSpan timeout)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        string statuses = "";
        await Poll.UntilAsync(async () =>
        {
            var hosts = await management.GetHosts(onlyActive: false);
            statuses = string.Join(", ", hosts.Select(h => $"{h.Key}={h.Value}"));
            return hosts.TryGetValue(silo.SiloAddress, out var status) && status == SiloStatus.Dead ? "dead" : null;
        }, timeout, () => $"membership to declare {silo.Name} ({silo.SiloAddress}) dead", () => statuses);
    }

    public IJobGrain Job(string jobId) => cluster.Client.GetGrain<IJobGrain>(jobId);

    /// <summary>The silo the job grain is active on, as the grain directory says.</summary>
    public async Task<InProcessSiloHandle> JobSiloAsync(string jobId, TimeSpan timeout)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var grain = Job(jobId);
        var address = await Poll.UntilAsync(async () =>
        {
            var silo = await management.GetActivationAddress(grain);
            return silo is not null && cluster.GetSiloForAddress(silo) is not null ? silo : null;
        }, timeout, () => $"job grain '{jobId}' to be registered on an active silo");
        return cluster.GetSiloForAddress(address!)!;
    }

    public async ValueTask DisposeAsync() => await cluster.DisposeAsync();
}
