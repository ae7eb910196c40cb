using Polly;
using Polly.Registry;

namespace Pipeline.Storage.Tests;

/// <summary>
/// A pipeline provider with the production <c>blob-read</c>/<c>blob-write</c> strategies, optionally followed by
/// extra (chaos) strategies as the innermost step, so faults hit each attempt the way a failing service would.
/// </summary>
public static class TestPipelines
{
    public static ResiliencePipelineProvider<string> Create(StorageOptions options, Action<ResiliencePipelineBuilder>? inner = null)
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.TryAddBuilder(StorageResilience.BlobRead, (builder, _) =>
        {
            StorageResilience.AddBlobReadStrategies(builder, options);
            inner?.Invoke(builder);
        });
        registry.TryAddBuilder(StorageResilience.BlobWrite, (builder, _) =>
        {
            StorageResilience.AddBlobWriteStrategies(builder, options);
            inner?.Invoke(builder);
        });
        return registry;
    }
}
