using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Grains.Embed;
using Pipeline.Grains.Jobs.Kinds;

namespace Pipeline.Grains.Generate;

/// <summary>Registers the generate job kind.</summary>
public static class GenerateServiceCollectionExtensions
{
    public static IServiceCollection AddGenerateJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<ModelFetcher>();
        services.AddSingleton<GenerateModels>();
        return services.AddJobKind<GenerateKind>();
    }
}
