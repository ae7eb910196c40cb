using Microsoft.Extensions.DependencyInjection;
using Pipeline.Grains.Jobs.Kinds;

namespace Pipeline.Grains.Index;

/// <summary>Registers the index job kind and the query service's shard cache.</summary>
public static class IndexServiceCollectionExtensions
{
    public static IServiceCollection AddIndexJobs(this IServiceCollection services)
    {
        services.AddOptions<IndexServiceOptions>().BindConfiguration(IndexServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ShardFileCache>();
        services.AddSingleton<QueryImageEmbedder>();
        return services.AddJobKind<IndexKind>();
    }
}
