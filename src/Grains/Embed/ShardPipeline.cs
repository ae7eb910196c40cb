using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Models.Embedding;
using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Streams one task through bounded stages: read + decode + preprocess run concurrently ahead of the model (a bounded
/// channel of in-flight samples, in listing order, fed by <c>produce</c>), batches go through the model as soon as
/// they fill, so decoding overlaps the forward pass. Rows come out in listing order; failed samples have neither an
/// embedding nor metadata. A model whose images enter at their own size runs through a size-grouping stage instead
/// (<see cref="RunGroupedAsync"/>); the fixed-size path below is untouched by it.
/// </summary>
public sealed partial class ShardPipeline(ILogger logger)
{
    public async Task<ShardEmbeddings> RunAsync(int shard, Func<ChannelWriter<Task<PreparedSample>>, CancellationToken, Task> produce, int expected,
        DecodeSlots decoders, ImageEmbedder embedder, int batchSize, CancellationToken cancellationToken)
    {
        if (!embedder.FixedSize)
        {
            return await RunGroupedAsync(shard, produce, expected, decoders, embedder, batchSize, cancellationToken);
        }
        int dim = embedder.EmbeddingDim, pixelsPerImage = embedder.PixelsPerImage;
        int patchFloats = embedder.PatchTokenCount * embedder.PatchTokenDim;
        int capacity = Math.Max(expected, batchSize);
        var embeddings = new float[capacity * dim];
        var patches = embedder.WritesPatchTokens ? new float[capacity * patchFloats] : null;
        var metadata = new List<EmbeddingMetadataRow>(capacity);
        var failures = new List<FailureRow>();
        var batch = new float[batchSize * pixelsPerImage];
        var pending = new List<PreparedSample>(batchSize);
        var (inFlight, producer) = StartProducing(produce, batchSize, cancellationToken);

        var waited = Stopwatch.StartNew();
        await foreach (var next in inFlight.Reader.ReadAllAsync(cancellationToken))
        {
            var sample = await next;
            if (sample.Pixels is null)
            {
                failures.Add(new FailureRow { ImagePath = sample.ImagePath, Stage = sample.FailedStage!, Error = sample.Error! });
                continue;
            }
            sample.Pixels.AsSpan(0, pixelsPerImage).CopyTo(batch.AsSpan(pending.Count * pixelsPerImage));
            ArrayPool<float>.Shared.Return(sample.Pixels);
            pending.Add(sample);
            if (pending.Count == batchSize) await FlushAsync();
        }
        await FlushAsync();
        await producer;
        return new ShardEmbeddings(embeddings[..(metadata.Count * dim)], dim, metadata, failures,
            patches?[..(metadata.Count * patchFloats)], embedder.PatchTokenCount, embedder.PatchTokenDim);

        async Task FlushAsync()
        {
            if (pending.Count == 0) return;
            var readMs = waited.Elapsed.TotalMilliseconds;
            EmbeddingBatch result;
            var infer = Stopwatch.StartNew();
            using (await decoders.PauseForForwardAsync(cancellationToken))
                result = embedder.Embed(batch, pending.Count);
            int rows = metadata.Count + pending.Count;
            if (rows * dim > embeddings.Length)
            {
                // A tar holds more images than planned for: grow the buffers.
                Array.Resize(ref embeddings, Math.Max(rows, 2 * embeddings.Length / dim) * dim);
                if (patches is not null) Array.Resize(ref patches, embeddings.Length / dim * patchFloats);
            }
            result.Embeddings.CopyTo(embeddings.AsSpan(metadata.Count * dim));
            result.PatchTokens?.CopyTo(patches.AsSpan(metadata.Count * patchFloats));
            foreach (var s in pending)
                metadata.Add(new EmbeddingMetadataRow { ImagePath = s.ImagePath, Shard = shard, Row = metadata.Count, Width = s.Width, Height = s.Height });
            logger.LogDebug("shard {Shard}: batch of {Count} waited {ReadMs:F0} ms for input, inferred in {InferMs:F0} ms",
                shard, pending.Count, readMs, infer.Elapsed.TotalMilliseconds);
            pending.Clear();
            waited.Restart();
        }
    }

    /// <summary>
    /// The read/decode stage: <paramref name="produce"/> writes in-flight samples, in listing order, into a bounded channel
    /// of twice a batch (at least 8), which it completes when it ends, failed or not.
    /// </summary>
    private static (Channel<Task<PreparedSample>> InFlight, Task Producer) StartProducing(
        Func<ChannelWriter<Task<PreparedSample>>, CancellationToken, Task> produce, int batchSize, CancellationToken cancellationToken)
    {
        var inFlight = Channel.CreateBounded<Task<PreparedSample>>(
            new BoundedChannelOptions(Math.Max(2 * batchSize, 8)) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(inFlight.Writer, cancellationToken);
            }
            finally
            {
                inFlight.Writer.Complete();
            }
        }, cancellationToken);
        return (inFlight, producer);
    }
}
