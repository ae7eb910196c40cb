using Azure;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Timeout;

namespace Pipeline.Storage;

/// <summary>
/// The resilience pipelines around every blob call, registered once by name in
/// <see cref="StorageServiceCollectionExtensions.AddPipelineStorage"/>: total timeout, then retry with jittered
/// exponential backoff on <see cref="TransientErrors"/>, then a circuit breaker, then a per-attempt timeout, then (only
/// when <see cref="StorageChaosOptions"/> asks for it) injected faults and stalls. The breaker sits inside the retry,
/// so it sees every attempt: at the default ratio of 0.5 a 20% fault rate does not open it.
/// </summary>
public static class StorageResilience
{
    /// <summary>Pipeline name of reads: listing pages, existence checks, downloads.</summary>
    public const string BlobRead = "blob-read";

    /// <summary>Pipeline name of writes: uploads, conditional creates, deletes.</summary>
    public const string BlobWrite = "blob-write";

    /// <summary>The longest delay between two retries, whatever the backoff computes.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Adds the <see cref="BlobRead"/> strategies to <paramref name="builder"/>.</summary>
    public static ResiliencePipelineBuilder AddBlobReadStrategies(
        ResiliencePipelineBuilder builder, StorageOptions options, StorageChaosOptions? chaos = null) =>
        AddStrategies(builder, options, chaos, BlobRead, options.ReadAttemptTimeout);

    /// <summary>Adds the <see cref="BlobWrite"/> strategies to <paramref name="builder"/>.</summary>
    public static ResiliencePipelineBuilder AddBlobWriteStrategies(
        ResiliencePipelineBuilder builder, StorageOptions options, StorageChaosOptions? chaos = null) =>
        AddStrategies(builder, options, chaos, BlobWrite, options.WriteAttemptTimeout);

    private static ResiliencePipelineBuilder AddStrategies(
        ResiliencePipelineBuilder builder, StorageOptions options, StorageChaosOptions? chaos, string name, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        builder.AddTimeout(new TimeoutStrategyOptions { Name = $"{name}-total-timeout", Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = $"{name}-retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    TransientErrors.IsTransient(args.Outcome.Exception, args.Context.CancellationToken.IsCancellationRequested)),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            Name = $"{name}-circuit-breaker",
            FailureRatio = 0.5,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = options.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is not BrokenCircuitException
                && TransientErrors.IsTransient(args.Outcome.Exception, args.Context.CancellationToken.IsCancellationRequested)),
        });
        builder.AddTimeout(new TimeoutStrategyOptions { Name = $"{name}-attempt-timeout", Timeout = attemptTimeout });
        if (chaos is { IsActive: true })
        {
            AddChaos(builder, chaos, name);
        }

        return builder;
    }

    private static void AddChaos(ResiliencePipelineBuilder builder, StorageChaosOptions chaos, string name)
    {
        // Each pipeline gets its own sequence; with a seed, reads and writes differ but both repeat run after run.
        int? Seed(int salt) => chaos.Seed is { } seed ? unchecked(seed + salt + (name == BlobRead ? 0 : 100)) : null;
        if (chaos.FaultRate > 0)
        {
            var inject = new ChaosRandom(Seed(1));
            var kind = new ChaosRandom(Seed(2));
            builder.AddChaosFault(new ChaosFaultStrategyOptions
            {
                Name = $"{name}-chaos-fault",
                InjectionRate = chaos.FaultRate,
                Randomizer = inject.NextDouble,
                FaultGenerator = _ => ValueTask.FromResult<Exception?>(kind.NextDouble() < 0.5
                    ? new RequestFailedException(503, "chaos: the server is busy")
                    : new IOException("chaos: the connection was reset")),
            });
        }

        if (chaos.StallRate > 0)
        {
            var inject = new ChaosRandom(Seed(3));
            builder.AddChaosLatency(new ChaosLatencyStrategyOptions
            {
                Name = $"{name}-chaos-stall",
                InjectionRate = chaos.StallRate,
                Latency = chaos.Stall,
                Randomizer = inject.NextDouble,
            });
        }
    }
}
