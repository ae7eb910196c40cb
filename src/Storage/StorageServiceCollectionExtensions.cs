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
    /// pipelines. Calling it more than once registers everything once.
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
        services.TryAddSingleton<BlobServiceClients>();
        services.TryAddSingleton(sp => sp.GetRequiredService<BlobServiceClients>().Configured);
        services.TryAddSingleton<IObjectStoreFactory, ObjectStoreFactory>();
        services.AddResiliencePipeline(StorageResilience.BlobRead, (builder, context) =>
            StorageResilience.AddBlobReadStrategies(builder, context.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddResiliencePipeline(StorageResilience.BlobWrite, (builder, context) =>
            StorageResilience.AddBlobWriteStrategies(builder, context.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value));
        return services;
    }
}
