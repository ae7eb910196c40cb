using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    /// <summary>Worker slots of an embedded silo unless <c>Pipeline:Workers:Slots</c> says otherwise.</summary>
    public const int EmbeddedWorkerSlots = 1;

    private const string WorkerSlotsKey = "Pipeline:Workers:Slots";

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

    /// <summary>Whether a cluster is configured (otherwise commands run in embedded mode), without starting anything.</summary>
    public static bool IsClusterConfigured() => ClusterOf(ReadConfiguration()).Mode != ClusterMode.Embedded;

    public static async Task<PipelineRuntime> StartAsync(bool usesBlobPaths, CancellationToken cancellationToken)
    {
        var configuration = ReadConfiguration();
        bool embedded = ClusterOf(configuration).Mode == ClusterMode.Embedded;

        var overrides = new Dictionary<string, string?>();
        AzuriteServer? azurite = null;
        bool storageConfigured = !string.IsNullOrEmpty(configuration[$"{StorageOptions.SectionName}:ConnectionString"]) ||
                                 !string.IsNullOrEmpty(configuration[$"{StorageOptions.SectionName}:ServiceUri"]);
        if (usesBlobPaths && !storageConfigured)
        {
            azurite = await AzuriteServer.StartAsync(cancellationToken);
            overrides[$"{StorageOptions.SectionName}:ConnectionString"] = azurite.ConnectionString;
        }

        try
        {
            IHost host = embedded
                ? await StartEmbeddedAsync(overrides, configuration[WorkerSlotsKey] is null, cancellationToken)
                : await StartClientAsync(overrides, cancellationToken);
            return new PipelineRuntime(host, azurite, embedded);
        }
        catch
        {
            if (azurite is not null) await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>The sources the hosts read: appsettings.json in the working directory, then environment variables.</summary>
    private static ConfigurationManager ReadConfiguration()
    {
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true).AddEnvironmentVariables();
        return configuration;
    }

    private static PipelineClusterOptions ClusterOf(IConfiguration configuration) =>
        configuration.GetSection(PipelineClusterOptions.Section).Get<PipelineClusterOptions>() ?? new PipelineClusterOptions();

    public async ValueTask DisposeAsync()
    {
        var bound = host.Services.GetService<IOptions<ShutdownOptions>>()?.Value.HostTimeout ?? TimeSpan.FromSeconds(25);
        try
        {
            using var timeout = new CancellationTokenSource(bound);
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            if (host is IAsyncDisposable asyncHost) await asyncHost.DisposeAsync();
            else host.Dispose();
            if (azurite is not null) await azurite.DisposeAsync();
        }
    }

    /// <summary>
    /// An in-process silo: no gateway (nothing outside this process connects to it) and a silo port picked per attempt;
    /// a port taken between the pick and Orleans' bind fails that attempt with AddressInUse and the next one picks again.
    /// </summary>
    private static async Task<IHost> StartEmbeddedAsync(Dictionary<string, string?> overrides, bool defaultSlots, CancellationToken cancellationToken) =>
        await PipelineSiloHost.StartAsync(_ =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            Quiet(builder.Logging);
            builder.Configuration.AddInMemoryCollection(overrides);
            builder.Configuration[$"{PipelineClusterOptions.Section}:SiloPort"] = LoopbackPortCandidate().ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration[$"{PipelineClusterOptions.Section}:GatewayPort"] = "0";
            if (defaultSlots) builder.Configuration[WorkerSlotsKey] = EmbeddedWorkerSlots.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return builder.AddPipelineSiloHost().BuildPipelineSilo();
        }, cancellationToken);

    private static async Task<IHost> StartClientAsync(Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddPipelineStorage();
        builder.UseOrleansClient(client => client.AddPipelineClusterClient(builder.Configuration));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static void Quiet(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Error);
    }

    /// <summary>A loopback port free right now; only a candidate, as someone else may bind it before Orleans does.</summary>
    private static int LoopbackPortCandidate()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
