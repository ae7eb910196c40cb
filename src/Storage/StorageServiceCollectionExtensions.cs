using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace Pipeline.Storage;

/// <summary>Registers the storage area: options, blob clients, the store factory and the resilience pipelines.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> to <c>Pipeline:Storage</c> (validated on start), and registers
    /// <see cref="BlobServiceClients"/>, the configured <see cref="BlobServiceClient"/> (resolving it throws a clear error
    /// when no account is configured), <see cref="IObjectStoreFactory"/>, and the <c>blob-read</c> / <c>blob-write</c>
    /// pipelines, with the chaos of <see cref="StorageChaosOptions"/> (<c>Pipeline:Storage:Chaos</c>, off by default).
    /// Calling it more than once registers everything once.
    /// </summary>
    public static IServiceCollection AddPipelineStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(BlobServiceClients)))
        {
            return services;
        }

        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StorageChaosOptions>()
            .BindConfiguration(StorageChaosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<BlobServiceClients>();
        services.TryAddSingleton(sp => sp.GetRequiredService<BlobServiceClients>().Configured);
        services.TryAddSingleton<IObjectStoreFactory, ObjectStoreFactory>();
        services.AddResiliencePipeline(StorageResilience.BlobRead, (builder, context) =>
            StorageResilience.AddBlobReadStrategies(builder, Options(context.ServiceProvider), Chaos(context.ServiceProvider)));
        services.AddResiliencePipeline(StorageResilience.BlobWrite, (builder, context) =>
            StorageResilience.AddBlobWriteStrategies(builder, Options(context.ServiceProvider), Chaos(context.ServiceProvider)));
        return services;
    }

    private static StorageOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<StorageOptions>>().Value;

    private static StorageChaosOptions Chaos(IServiceProvider services) => services.GetRequiredService<IOptions<StorageChaosOptions>>().Value;
}
