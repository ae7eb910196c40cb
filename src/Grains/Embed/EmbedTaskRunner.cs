using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Workers;
using Pipeline.Models.Preprocessing;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using Pipeline.Storage.Corpus;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Runs one embed task on a worker slot: decodes its plan lines, streams the images (or a tar's members) through
/// the slot's model, and stages the npy and parquet files under the attempt's names.
/// </summary>
public sealed class EmbedTaskRunner(IObjectStoreFactory stores, EmbedderCache embedders, IOptions<WorkerOptions> workerOptions,
    IOptions<EmbedOptions> embedOptions, ILogger<EmbedTaskRunner> logger) : ITaskRunner
{
    public async Task<TaskResult> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var spec = (EmbedJobSpec)context.Lease.Spec;
        var lines = new PlanLines(spec.Input);
        var entries = Encoding.UTF8.GetString(context.Payload).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(lines.Decode).ToList();
        var embedder = await embedders.GetAsync(spec, context.Slot.TorchDevice, cancellationToken);

        var settings = workerOptions.Value;
        using var downloads = new SemaphoreSlim(settings.DownloadConcurrency);
        using var decoders = new DecodeSlots(settings.DecodeThreads > 0 ? settings.DecodeThreads : Environment.ProcessorCount,
            pauseDuringForward: !(settings.OverlapDecodeWithForward ?? context.Slot.DeviceKind == "cuda"));
        var opener = new SampleOpener(stores, CorpusSource.RootLocationOf(spec.Input));
        var reader = new SampleReader(opener, embedder, new ImageDecoderOptions { MaxPixels = settings.MaxImagePixels }, downloads, decoders);
        var result = await new ShardPipeline(logger).RunAsync(context.Lease.Task, (writer, ct) => ProduceAsync(entries, opener, reader, writer, ct),
            entries.Count(e => e.Kind == CorpusEntryKind.Image), decoders, embedder, spec.BatchSize, cancellationToken);

        var dtype = await EmbedFiles.StageAsync(context.Commit, context.Lease.Task, result, spec.OutputDType, cancellationToken);
        logger.LogInformation("job {JobId} task {Task}: {Rows} rows, {Failures} failures staged", context.Lease.JobId, context.Lease.Task,
            result.Rows, result.Failures.Count);
        return new TaskResult(result.Rows, result.Failures.Count, result.Dim, dtype);
    }

    public void Dispose() => embedders.Dispose();

    private async Task ProduceAsync(IReadOnlyList<CorpusEntry> entries, SampleOpener opener, SampleReader reader,
        ChannelWriter<Task<PreparedSample>> writer, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            if (entry.Kind == CorpusEntryKind.Image)
            {
                await writer.WriteAsync(reader.ReadAsync(entry, cancellationToken), cancellationToken);
                continue;
            }
            try
            {
                // Members stream out of the tar (never extracted to disk) and decode in parallel, in archive order.
                await using var tar = await opener.OpenReadAsync(entry.Reference, cancellationToken);
                await foreach (var member in TarMembers.ReadAsync(tar, embedOptions.Value.ImageExtensions, cancellationToken))
                    await writer.WriteAsync(reader.DecodeAsync(member.Name, member.Bytes, cancellationToken), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await writer.WriteAsync(Task.FromResult(PreparedSample.Failed(entry.ImagePath, "read", $"tar: {e.Message}")), cancellationToken);
            }
        }
    }
}
