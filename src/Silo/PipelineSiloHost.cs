using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Pipeline.Silo;

/// <summary>
/// A host with a Pipeline silo in it: the <c>pipeline-silo</c> process, or the CLI in embedded mode. The host is a
/// web application only so the Orleans Dashboard can be mapped; with the dashboard off it opens no HTTP port.
/// </summary>
public static class PipelineSiloHost
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <c>pipeline-silo</c> until SIGTERM/SIGINT, then stops within <see cref="ShutdownOptions.Timeout"/>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = await StartAsync(_ => WebApplication.CreateSlimBuilder(args).AddPipelineSiloHost().BuildPipelineSilo(), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM/SIGINT came while the silo was still starting: the host stopped it, which is what was asked.
            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"pipeline-silo: the silo did not start: {e}");
            return 1;
        }
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>The silo, shutdown bound, metrics and (when configured) the dashboard, on a web application builder.</summary>
    public static WebApplicationBuilder AddPipelineSiloHost(this WebApplicationBuilder builder)
    {
        builder.UseOrleans(silo => silo.AddPipelineSilo(builder.Configuration));
        builder.Services.AddPipelineShutdown();
        builder.Services.AddPipelineTelemetry(builder.Configuration);
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.DashboardPort > 0)
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(telemetry.Address), telemetry.DashboardPort));
        else
            builder.Services.AddSingleton<IServer, NoServer>();
        return builder;
    }

    /// <summary>Builds the host and maps the dashboard when it is on.</summary>
    public static WebApplication BuildPipelineSilo(this WebApplicationBuilder builder)
    {
        var app = builder.Build();
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.DashboardPort > 0) app.MapOrleansDashboard();
        return app;
    }

    /// <summary>
    /// Builds and starts a host; when the start fails because a port was taken (another process bound it between the
    /// choice and the bind), disposes it and builds a new one, up to <see cref="PipelineClusterOptions.BindAttempts"/>
    /// times. <paramref name="build"/> gets the attempt number (1-based), so a caller that picks ports can pick again.
    /// </summary>
    public static async Task<WebApplication> StartAsync(Func<int, WebApplication> build, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var app = build(attempt);
            var attempts = app.Services.GetRequiredService<IOptions<PipelineClusterOptions>>().Value.BindAttempts;
            try
            {
                await app.StartAsync(cancellationToken);
                return app;
            }
            catch (Exception e) when (attempt < attempts && AddressInUse.IsCause(e) && !cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"pipeline: a port was in use ({e.GetBaseException().Message}); start attempt {attempt + 1} of {attempts}.");
                await DisposeQuietlyAsync(app);
                await Task.Delay(RetryDelay * attempt, cancellationToken);
            }
            catch
            {
                await DisposeQuietlyAsync(app);
                throw;
            }
        }
    }

    private static async Task DisposeQuietlyAsync(WebApplication app)
    {
        try
        {
            using var timeout = new CancellationTokenSource(app.Services.GetRequiredService<IOptions<ShutdownOptions>>().Value.HostTimeout);
            await app.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // A host that failed to start may fail to stop as well; what matters is the start failure.
        }
        await app.DisposeAsync();
    }
}
