using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Silo.Tests.Support;

namespace Pipeline.Silo.Tests;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    private const int StartAttempts = 3;

    [Fact]
    public async Task PrometheusEndpointServesThePipelineMeter()
    {
        using var meter = new Meter("Pipeline");
        var counter = meter.CreateCounter<long>("pipeline.silo_tests.items");
        var (host, port) = await StartWithPrometheusAsync();
        using var _ = host;
        counter.Add(3, new KeyValuePair<string, object?>("kind", "test"));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = $"http://127.0.0.1:{port}/metrics";
        string body = "";
        await Poll.UntilAsync(async () =>
            {
                body = await http.GetStringAsync(url);
                return body.Contains("pipeline_silo_tests_items_total{", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(20), () => $"expected {url} to list pipeline_silo_tests_items_total; it answered:\n{body}");
        Assert.Contains("kind=\"test\"", body, StringComparison.Ordinal);

        await host.StopAsync();
    }

    /// <summary>The HttpListener binds a fixed port: a lost race with another process gets another port.</summary>
    private static async Task<(IHost Host, int Port)> StartWithPrometheusAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free(1)[0];
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration[$"{TelemetryOptions.Section}:PrometheusPort"] = port.ToString(CultureInfo.InvariantCulture);
            builder.Services.AddPipelineTelemetry(builder.Configuration);
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                // The exporter starts its listener with the meter provider; make sure it answers before we record.
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                await http.GetAsync($"http://127.0.0.1:{port}/metrics");
                return (host, port);
            }
            catch (Exception e) when (attempt < StartAttempts && e is not Xunit.Sdk.XunitException)
            {
                host.Dispose();
            }
        }
    }
}
