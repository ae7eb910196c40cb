using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Pipeline.Silo;

/// <summary>OpenTelemetry metrics of a silo, scraped by Prometheus from an HttpListener on 127.0.0.1.</summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var telemetry = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.PrometheusPort == 0) return services;

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. TelemetryOptions.Meters])
            .AddPrometheusHttpListener(o => (o.Host, o.Port) = (telemetry.Address, telemetry.PrometheusPort)));
        return services;
    }
}
