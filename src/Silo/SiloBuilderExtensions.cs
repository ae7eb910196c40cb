using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Pipeline.Grains;
using Pipeline.Storage;

namespace Pipeline.Silo;

/// <summary>Wires a Pipeline silo: clustering, grain storage, the storage services, job grains and workers.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddPipelineSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();
        silo.Services.AddOptions<PipelineClusterOptions>().BindConfiguration(PipelineClusterOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));

        if (cluster.Mode == ClusterMode.AzureTable)
        {
            var connection = cluster.ConnectionString
                ?? throw new InvalidOperationException($"{PipelineClusterOptions.Section}:ConnectionString is required when Mode is AzureTable.");
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
            silo.AddAzureBlobGrainStorage(GrainStorageNames.Jobs, o => o.BlobServiceClient = new BlobServiceClient(connection));
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
            silo.AddMemoryGrainStorage(GrainStorageNames.Jobs);
        }

        silo.Services.AddPipelineSiloServices(cluster.WorkerSlots);
        return silo;
    }

    /// <summary>Everything a silo runs besides clustering and grain storage (test clusters add those their own way).</summary>
    public static IServiceCollection AddPipelineSiloServices(this IServiceCollection services, int workerSlots) =>
        services.AddPipelineStorage().AddPipelineJobs().AddPipelineWorkers(workerSlots);
}
