using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Pipeline.Silo;

namespace Pipeline.Client.Hosting;

/// <summary>Connects the CLI to a running cluster (Localhost or AzureTable mode).</summary>
public static class ClientBuilderExtensions
{
    public static IClientBuilder AddPipelineClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        if (cluster.Mode == ClusterMode.AzureTable)
        {
            var connection = cluster.ConnectionString
                ?? throw new InvalidOperationException($"{PipelineClusterOptions.Section}:ConnectionString is required when Mode is AzureTable.");
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort);
        }
        return client;
    }
}
