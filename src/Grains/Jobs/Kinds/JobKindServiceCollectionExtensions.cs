using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>Registers a job kind: one line per kind in the silo's wiring.</summary>
public static class JobKindServiceCollectionExtensions
{
    public static IServiceCollection AddJobKind<TKind>(this IServiceCollection services) where TKind : class, IJobKind
    {
        services.AddSingleton<TKind>();
        services.AddSingleton<IJobKind>(sp => sp.GetRequiredService<TKind>());
        return services;
    }
}
