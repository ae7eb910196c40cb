using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Pipeline.Grains.Schedules;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>
/// A one-silo cluster whose grain state is in Azure Blob storage and whose reminders are in Azure Table storage on a
/// real Azurite, under a fixed service id and container: a second cluster started with the same ones after the first is
/// gone is the same service restarted, and finds the first one's schedules and reminders. No workers; reminders and
/// schedules on a short period so a restarted service wakes its schedules within seconds.
/// </summary>
public sealed class DurableScheduleCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster cluster;

    private DurableScheduleCluster(InProcessTestCluster cluster) => this.cluster = cluster;

    public IClusterClient Client => cluster.Client;

    public static async Task<DurableScheduleCluster> StartAsync(string connection, string serviceId, Action<ScheduleOptions> schedules)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            TestSilo.Configure(silo, workerSlots: 0, memoryStorage: false);
            silo.AddAzureBlobGrainStorage(GrainStorageNames.Jobs, o =>
            {
                o.BlobServiceClient = new BlobServiceClient(connection);
                o.ContainerName = $"grainstate-{serviceId}";
            });
            silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(connection));
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.Configure(schedules);
        });
        var built = builder.Build();
        await built.DeployAsync();
        return new DurableScheduleCluster(built);
    }

    /// <summary>Kills the silo as a crash would (no graceful deactivation of its grains); dispose the cluster afterwards.</summary>
    public async Task KillAsync()
    {
        foreach (var silo in cluster.GetActiveSilos().ToList()) await cluster.KillSiloAsync(silo);
    }

    public async ValueTask DisposeAsync() => await cluster.DisposeAsync();
}
