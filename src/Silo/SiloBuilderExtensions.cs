using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Pipeline.Grains;
using Pipeline.Storage;

namespace Pipeline.Silo;

/// <summary>
/// Wires a Pipeline silo: clustering, grain storage "jobs", reminders, endpoints, shutdown bounds, the dashboard, and
/// the storage services, job grains and workers.
/// </summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddPipelineSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();
        silo.Services.AddOptions<PipelineClusterOptions>().BindConfiguration(PipelineClusterOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        // Orleans' defaults declare a killed silo dead in about 10 s (3 missed probes, 2 votes); tune them here if needed.
        silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(PipelineClusterOptions.MembershipSection);

        switch (cluster.Mode)
        {
            case ClusterMode.AzureTable:
                var connection = cluster.ConnectionString is { Length: > 0 } c ? c
                    : throw new InvalidOperationException($"{PipelineClusterOptions.Section}:ConnectionString is required when Mode is AzureTable.");
                if (cluster.KubernetesHosting)
                {
                    // Ports only: Orleans' Kubernetes hosting advertises POD_IP and listens on every interface of the pod.
                    silo.Configure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort) = (cluster.SiloPort, cluster.GatewayPort));
                    silo.UseKubernetesHosting();
                }
                else
                {
                    var address = IPAddress.TryParse(cluster.AdvertisedAddress, out var parsed) ? parsed
                        : throw new InvalidOperationException($"{PipelineClusterOptions.Section}:AdvertisedAddress '{cluster.AdvertisedAddress}' is not an IP address.");
                    // Listens on the advertised address only, not on every interface.
                    silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
                }
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
                silo.AddAzureBlobGrainStorage(GrainStorageNames.Jobs, o => o.BlobServiceClient = new BlobServiceClient(connection));
                silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(connection));
                break;
            default:
                // Embedded passes GatewayPort 0: an in-process silo needs no gateway, and one port less can race.
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
                silo.AddMemoryGrainStorage(GrainStorageNames.Jobs);
                silo.UseInMemoryReminderService();
                break;
        }

        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ShutdownOptions>>((o, shutdown) =>
        {
            // A grain whose storage hangs must not hold the silo's stop past the bound.
            var bound = shutdown.Value.HostTimeout / 3;
            if (o.DeactivationTimeout > bound) o.DeactivationTimeout = bound;
        });

        var telemetry = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.DashboardPort > 0) silo.AddDashboard();

        silo.Services.AddPipelineSiloServices();
        return silo;
    }

    /// <summary>Everything a silo runs besides clustering and grain storage (test clusters add those their own way).</summary>
    public static IServiceCollection AddPipelineSiloServices(this IServiceCollection services) =>
        services.AddPipelineStorage().AddPipelineJobs().AddPipelineWorkers();
}
