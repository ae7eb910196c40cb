using Pipeline.Contracts.Index;
using Pipeline.Index.Embeddings;
using Pipeline.Index.Exact;
using Pipeline.Storage;

namespace Pipeline.Client.Index;

/// <summary>
/// The k-NN graph of a whole index: every indexed row, its embedding read from the embed output, is a query through
/// the cluster's query service, in batches. Query i is global row i; neighbour ids are global rows.
/// </summary>
public static class CorpusKnnGraph
{
    public const int BatchRows = 1024;

    public static async Task<KnnResult> BuildAsync(IndexRowTable table, IIndexQueryGrain service, IObjectStoreFactory stores, int k,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifest = table.Manifest;
        int dimension = manifest.Dimension;
        int total = checked((int)table.Rows.Count);
        int width = Math.Min(k, total);
        var indices = new long[checked((long)total * width)];
        var scores = new float[indices.Length];
        var embeddings = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(manifest.Embeddings)), cancellationToken);
        var markers = embeddings.Shards.ToDictionary(m => m.Shard);
        EmbeddingShard? current = null;
        var batch = new float[BatchRows * dimension];
        int first = 0;
        while (first < total)
        {
            int count = Math.Min(BatchRows, total - first);
            for (int i = 0; i < count; i++)
            {
                var row = table.Rows[first + i];
                if (current?.Shard != row.EmbeddingShard)
                {
                    var marker = markers.GetValueOrDefault(row.EmbeddingShard)
                                 ?? throw new InvalidDataException($"{manifest.Embeddings} no longer has embedding shard {row.EmbeddingShard} that the index was built from: rebuild the index.");
                    current = await embeddings.ReadShardAsync(marker, cancellationToken);
                }
                current.Row(row.EmbeddingRow).CopyTo(batch.AsSpan(i * dimension, dimension));
            }
            var answers = await service.SearchAsync(count == BatchRows ? batch : batch[..(count * dimension)], dimension, width);
            for (int i = 0; i < count; i++)
            {
                var hits = answers[i];
                for (int r = 0; r < width; r++)
                {
                    // An approximate index may find fewer than k: the rest become self edges, which clustering ignores.
                    long at = (long)(first + i) * width + r;
                    indices[at] = r < hits.Length ? table.Global(hits[r].Shard, hits[r].Row) : first + i;
                    scores[at] = r < hits.Length ? hits[r].Score : float.NaN;
                }
            }
            first += count;
            progress?.Report(first);
        }
        return new KnnResult(total, width, indices, scores);
    }
}
