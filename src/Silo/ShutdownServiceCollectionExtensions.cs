using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Pipeline.Silo;

/// <summary>A bounded stop: the host's shutdown timeout from <see cref="ShutdownOptions"/>, and the watchdog behind it.</summary>
public static class ShutdownServiceCollectionExtensions
{
    public static IServiceCollection AddPipelineShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.HostTimeout);
        // First hosted service: started first, stopped (and its stop is instant) last, armed the moment stopping begins.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ShutdownWatchdog>());
        return services;
    }
}
