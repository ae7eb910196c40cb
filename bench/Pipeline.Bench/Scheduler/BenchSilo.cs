using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Pipeline.Grains;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage;

namespace Pipeline.Bench.Scheduler;

/// <summary>
/// An in-process silo with the real job machinery (storage services, job grains, every product kind plus the bench
/// kind), grain storage "jobs" that counts serialized bytes, in-memory reminders, and no worker slots.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost host;

    private BenchSilo(IHost host, CountingGrainStorage storage)
    {
        this.host = host;
        Storage = storage;
    }

    public CountingGrainStorage Storage { get; }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => host.Services;

    public static async Task<BenchSilo> StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            silo.Services.AddSingleton<CountingGrainStorage>();
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorageNames.Jobs, (sp, _) => sp.GetRequiredService<CountingGrainStorage>());
            silo.UseInMemoryReminderService();
            silo.Services.AddPipelineStorage().AddPipelineJobs().AddJobKind<BenchJobKind>();
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchSilo(host, host.Services.GetRequiredService<CountingGrainStorage>());
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
