using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Pipeline.Silo;

namespace Pipeline.Client.Tests.Schedules;

/// <summary>
/// A real <c>pipeline-silo</c> host in Localhost mode inside the test process (memory state and reminders, no workers),
/// with its gateway on a free port, so CLI processes connect to it as to any cluster: what one command adds, the next
/// one sees.
/// </summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private readonly WebApplication app;

    private LocalSilo(WebApplication app, int gatewayPort) => (this.app, GatewayPort) = (app, gatewayPort);

    public int GatewayPort { get; }

    /// <summary>What a CLI process needs to talk to this silo.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["Pipeline__Cluster__Mode"] = "Localhost",
        ["Pipeline__Cluster__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
    };

    public static async Task<LocalSilo> StartAsync()
    {
        int gateway = 0;
        var app = await PipelineSiloHost.StartAsync(_ =>
        {
            gateway = FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{PipelineClusterOptions.Section}:Mode"] = "Localhost",
                [$"{PipelineClusterOptions.Section}:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                [$"{PipelineClusterOptions.Section}:GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
            });
            return builder.AddPipelineSiloHost().BuildPipelineSilo();
        }, CancellationToken.None);
        return new LocalSilo(app, gateway);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
