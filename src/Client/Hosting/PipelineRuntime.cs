using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Silo;
using Pipeline.Storage;
using Pipeline.Storage.Azurite;

namespace Pipeline.Client.Hosting;

/// <summary>
/// What a CLI command talks to. Embedded mode (no cluster configured): an Orleans silo hosted in this process, with
/// Azurite started here when blob paths are used and no storage is configured. Otherwise: a client of the cluster.
/// </summary>
public sealed class PipelineRuntime : IAsyncDisposable
{
    private readonly IHost host;
    private readonly AzuriteServer? azurite;

    private PipelineRuntime(IHost host, AzuriteServer? azurite, bool embedded)
    {
        this.host = host;
        this.azurite = azurite;
        Embedded = embedded;
    }

    public bool Embedded { get; }

    /// <summary>True when this process started Azurite (its data lives only as long as this process).</summary>
    public bool OwnsAzurite => azurite is not null;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public IObjectStoreFactory Stores => host.Services.GetRequiredService<IObjectStoreFactory>();

    public static async Task<PipelineRuntime> StartAsync(bool usesBlobPaths, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        var cluster = builder.Configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();
        bool embedded = cluster.Mode == ClusterMode.Embedded;

        AzuriteServer? azurite = null;
        bool storageConfigured = !string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"]) ||
                                 !string.IsNullOrEmpty(builder.Configuration[$"{StorageOptions.SectionName}:ServiceUri"]);
        if (usesBlobPaths && !storageConfigured)
        {
            azurite = await AzuriteServer.StartAsync(cancellationToken);
            builder.Configuration[$"{StorageOptions.SectionName}:ConnectionString"] = azurite.ConnectionString;
        }

        if (embedded)
        {
            builder.Configuration[$"{PipelineClusterOptions.Section}:SiloPort"] = FreePort.Next().ToString();
            builder.Configuration[$"{PipelineClusterOptions.Section}:GatewayPort"] = FreePort.Next().ToString();
            builder.UseOrleans(silo => silo.AddPipelineSilo(builder.Configuration));
        }
        else
        {
            builder.Services.AddPipelineStorage();
            builder.UseOrleansClient(client => client.AddPipelineClusterClient(builder.Configuration));
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            if (azurite is not null) await azurite.DisposeAsync();
            throw;
        }
        return new PipelineRuntime(host, azurite, embedded);
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await host.StopAsync(timeout.Token);
        host.Dispose();
        if (azurite is not null) await azurite.DisposeAsync();
    }
}
