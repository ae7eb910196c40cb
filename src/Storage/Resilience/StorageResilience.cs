using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Storage;

/// <summary>
/// The resilience pipelines around every blob call, registered once by name in
/// <see cref="StorageServiceCollectionExtensions.AddPipelineStorage"/>: total timeout, then retry with jittered
/// exponential backoff on <see cref="TransientErrors"/>, then a circuit breaker, then a per-attempt timeout.
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
    public static ResiliencePipelineBuilder AddBlobReadStrategies(ResiliencePipelineBuilder builder, StorageOptions options) =>
        AddStrategies(builder, options, BlobRead, options.ReadAttemptTimeout);

    /// <summary>Adds the <see cref="BlobWrite"/> strategies to <paramref name="builder"/>.</summary>
    public static ResiliencePipelineBuilder AddBlobWriteStrategies(ResiliencePipelineBuilder builder, StorageOptions options) =>
        AddStrategies(builder, options, BlobWrite, options.WriteAttemptTimeout);

    private static ResiliencePipelineBuilder AddStrategies(
        ResiliencePipelineBuilder builder, StorageOptions options, string name, TimeSpan attemptTimeout)
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
        return builder;
    }
}
