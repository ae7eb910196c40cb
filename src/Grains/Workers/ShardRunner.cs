using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Models.Preprocessing;
using Pipeline.Storage;

namespace Pipeline.Grains.Workers;

/// <summary>Runs one leased shard: skip if already committed, read its plan, embed, commit.</summary>
public sealed class ShardRunner(IObjectStoreFactory stores, EmbedderCache embedders, ShardCommitter committer,
    IOptions<WorkerOptions> options, ILogger<ShardRunner> logger)
{
    public async Task<ShardOutcome> RunAsync(ShardLease lease, string workerId, CancellationToken cancellationToken)
    {
        var spec = lease.Spec;
        var output = stores.Open(StorageLocation.Parse(spec.Output));
        if (await ShardCommitter.ReadCommittedAsync(output, lease.Shard, cancellationToken) is { } committed)
            return committed;

        var plan = Encoding.UTF8.GetString(await output.ReadAllBytesAsync(lease.PlanKey, cancellationToken));
        var keys = plan.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var embedder = await embedders.GetAsync(spec, cancellationToken);

        var settings = options.Value;
        using var downloads = new SemaphoreSlim(settings.DownloadConcurrency);
        using var decoders = new DecodeSlots(settings.DecodeThreads > 0 ? settings.DecodeThreads : Environment.ProcessorCount,
            pauseDuringForward: !(settings.OverlapDecodeWithForward ?? spec.Device == "cuda"));
        var reader = new SampleReader(stores.Open(StorageLocation.Parse(spec.Input)), embedder.Preprocess,
            new ImageDecoderOptions { MaxPixels = settings.MaxImagePixels }, downloads, decoders);
        var result = await new ShardPipeline(logger).RunAsync(lease.Shard, spec.Input, keys, reader, decoders, embedder, spec.BatchSize, cancellationToken);
        var outcome = await committer.CommitAsync(output, lease, workerId, result, cancellationToken);
        logger.LogInformation("job {JobId} shard {Shard}: {Rows} rows, {Failures} failures", lease.JobId, lease.Shard, outcome.Rows, outcome.Failures);
        return outcome;
    }
}
