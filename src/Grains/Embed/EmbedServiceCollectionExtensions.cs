using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Grains.Jobs.Kinds;

namespace Pipeline.Grains.Embed;

/// <summary>Registers the embed job kind.</summary>
public static class EmbedServiceCollectionExtensions
{
    public static IServiceCollection AddEmbedJobs(this IServiceCollection services)
    {
        services.AddOptions<EmbedOptions>().BindConfiguration(EmbedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ModelFetcher>();
        services.AddSingleton<EmbedModels>();
        return services.AddJobKind<EmbedKind>();
    }
}
