using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Models.Embedding;
using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>The size-grouping path of <see cref="ShardPipeline"/>: images at their own size.</summary>
public sealed partial class ShardPipeline
{
    /// <summary>How many batches' worth of samples may wait across all size groups before the largest runs early.</summary>
    public const int PendingBatches = 4;

    /// <summary>
    /// Images at their own size: samples wait in one group per model input size (<see cref="SizeGroupBatcher"/>), a
    /// group runs when it holds a batch (or early, the largest, when too many wait) and the rest run at the end. Each
    /// row goes back to its listing position, so embedding and metadata rows are in listing order whatever the sizes.
    /// Patch tokens are kept per patch grid, with each row's location.
    /// </summary>
    private async Task<ShardEmbeddings> RunGroupedAsync(int shard, Func<ChannelWriter<Task<PreparedSample>>, CancellationToken, Task> produce, int expected,
        DecodeSlots decoders, ImageEmbedder embedder, int batchSize, CancellationToken cancellationToken)
    {
        int dim = embedder.EmbeddingDim;
        var embeddings = new float[Math.Max(expected, 1) * dim];
        var samples = new List<PreparedSample>(expected);
        var failures = new List<FailureRow>();
        var batcher = new SizeGroupBatcher(batchSize, PendingBatches * batchSize);
        var patchGroups = embedder.WritesPatchTokens ? new Dictionary<(int, int), PatchBuffer>() : null;
        var gridOrder = new List<(int, int)>();
        var locations = new List<PatchLocation>(expected);
        var (inFlight, producer) = StartProducing(produce, batchSize, cancellationToken);

        var waited = Stopwatch.StartNew();
        try
        {
            await foreach (var next in inFlight.Reader.ReadAllAsync(cancellationToken))
            {
                var sample = await next;
                if (sample.Pixels is null)
                {
                    failures.Add(new FailureRow { ImagePath = sample.ImagePath, Stage = sample.FailedStage!, Error = sample.Error! });
                    continue;
                }
                var order = samples.Count;
                samples.Add(sample);
                locations.Add(default);
                if (batcher.Add(order, sample) is { } group) await FlushAsync(group);
            }
            foreach (var group in batcher.Drain()) await FlushAsync(group);
        }
        finally
        {
            // Samples still waiting (cancellation, a failed forward) hand their pixels back.
            foreach (var group in batcher.Drain())
                foreach (var (_, s) in group.Samples) ArrayPool<float>.Shared.Return(s.Pixels!);
        }
        await producer;

        var metadata = samples.Select((s, row) => new EmbeddingMetadataRow { ImagePath = s.ImagePath, Shard = shard, Row = row, Width = s.Width, Height = s.Height }).ToList();
        var result = new ShardEmbeddings(embeddings[..(samples.Count * dim)], dim, metadata, failures, PatchTokenDim: embedder.PatchTokenDim);
        if (patchGroups is null)
        {
            return result;
        }
        var groups = gridOrder.Select(g => patchGroups[g].ToGroup(g.Item1, g.Item2, embedder.PatchTokenDim,
            (order, row) => locations[order] = new PatchLocation(g.Item1, g.Item2, row))).ToList();
        return result with { PatchGroups = groups, PatchLocations = locations };

        async Task FlushAsync(SizeGroup group)
        {
            var readMs = waited.Elapsed.TotalMilliseconds;
            int count = group.Samples.Count, pixelsPerImage = 3 * group.Height * group.Width;
            var batch = new float[count * pixelsPerImage];
            for (var i = 0; i < count; i++)
            {
                var pixels = group.Samples[i].Sample.Pixels!;
                pixels.AsSpan(0, pixelsPerImage).CopyTo(batch.AsSpan(i * pixelsPerImage));
                ArrayPool<float>.Shared.Return(pixels);
            }
            EmbeddingBatch result;
            var infer = Stopwatch.StartNew();
            using (await decoders.PauseForForwardAsync(cancellationToken))
                result = embedder.Embed(batch, count, group.Height, group.Width);
            var maxOrder = group.Samples.Max(s => s.Order);
            if ((maxOrder + 1) * dim > embeddings.Length)
            {
                // A tar holds more images than planned for: grow the buffer.
                Array.Resize(ref embeddings, Math.Max(maxOrder + 1, 2 * embeddings.Length / dim) * dim);
            }
            var grid = embedder.PatchGrid(group.Height, group.Width);
            var tokens = grid.Height * grid.Width * embedder.PatchTokenDim;
            PatchBuffer? patches = null;
            if (patchGroups is not null && !patchGroups.TryGetValue(grid, out patches))
            {
                patches = new PatchBuffer(tokens);
                patchGroups[grid] = patches;
                gridOrder.Add(grid);
            }
            for (var i = 0; i < count; i++)
            {
                var order = group.Samples[i].Order;
                result.Embeddings.AsSpan(i * dim, dim).CopyTo(embeddings.AsSpan(order * dim));
                patches?.Append(order, result.PatchTokens.AsSpan(i * tokens, tokens));
            }
            logger.LogDebug("shard {Shard}: batch of {Count} at {Height}x{Width} waited {ReadMs:F0} ms for input, inferred in {InferMs:F0} ms",
                shard, count, group.Height, group.Width, readMs, infer.Elapsed.TotalMilliseconds);
            waited.Restart();
        }
    }
}
