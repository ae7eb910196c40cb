using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Grains.Schedules;

// In the namespace of GrainServiceCollectionExtensions, which calls it.
namespace Pipeline.Grains;

/// <summary>Registers what schedule grains need (their grains are found by Orleans; the reminder service is the silo's).</summary>
public static class ScheduleServiceCollectionExtensions
{
    public static IServiceCollection AddSchedules(this IServiceCollection services)
    {
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
