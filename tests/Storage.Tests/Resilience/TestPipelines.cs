using Polly;
using Polly.Registry;
using Polly.Telemetry;

namespace Pipeline.Storage.Tests;

/// <summary>
/// A pipeline provider with the production <c>blob-read</c>/<c>blob-write</c> strategies, optionally followed by
/// extra (chaos) strategies as the innermost step, so faults hit each attempt the way a failing service would.
/// </summary>
public static class TestPipelines
{
    public static ResiliencePipelineProvider<string> Create(StorageOptions options, Action<ResiliencePipelineBuilder>? inner = null) =>
        Create(options, chaos: null, listener: null, inner);

    /// <summary>
    /// The production strategies with the chaos of <paramref name="chaos"/>, reporting every resilience event
    /// (retries, injected faults, circuit transitions) to <paramref name="listener"/>.
    /// </summary>
    public static ResiliencePipelineProvider<string> Create(
        StorageOptions options, StorageChaosOptions? chaos, TelemetryListener? listener, Action<ResiliencePipelineBuilder>? inner = null)
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.TryAddBuilder(StorageResilience.BlobRead, (builder, _) =>
        {
            StorageResilience.AddBlobReadStrategies(builder, options, chaos);
            inner?.Invoke(builder);
            Listen(builder, listener);
        });
        registry.TryAddBuilder(StorageResilience.BlobWrite, (builder, _) =>
        {
            StorageResilience.AddBlobWriteStrategies(builder, options, chaos);
            inner?.Invoke(builder);
            Listen(builder, listener);
        });
        return registry;
    }

    private static void Listen(ResiliencePipelineBuilder builder, TelemetryListener? listener)
    {
        if (listener is not null)
        {
            var telemetry = new TelemetryOptions();
            telemetry.TelemetryListeners.Add(listener);
            builder.ConfigureTelemetry(telemetry);
        }
    }
}
