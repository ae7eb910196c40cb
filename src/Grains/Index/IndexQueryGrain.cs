using Orleans.Concurrency;
using Pipeline.Contracts.Index;
using Pipeline.Index.Embeddings;
using Pipeline.Index.Exact;
using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Grains.Index;

/// <summary>
/// Fans a query out to every shard grain of an index and merges their top k (best score first; ties by shard, then
/// row). Reads <c>index.json</c> on each call so a rebuilt index is seen at once; stateless, so any silo answers.
/// </summary>
[StatelessWorker]
public sealed class IndexQueryGrain(IObjectStoreFactory stores, QueryImageEmbedder embedder) : Grain, IIndexQueryGrain
{
    private string Location => this.GetPrimaryKeyString();

    public async Task<IndexDescription> DescribeAsync()
    {
        var manifest = await ReadManifestAsync();
        return new IndexDescription(manifest.Kind, manifest.Metric, manifest.Dimension, manifest.Rows, manifest.Shards.Count, manifest.Embeddings,
            manifest.Model, manifest.RecallAt10, manifest.BuildId, [.. manifest.Shards.Select(s => s.Rows)]);
    }

    public async Task<IReadOnlyList<Neighbor[]>> SearchAsync(float[] queries, int dimension, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var manifest = await ReadManifestAsync();
        if (dimension != manifest.Dimension)
            throw new ArgumentException($"the query has dimension {dimension}, the index {Location} {manifest.Dimension} (model {manifest.Model ?? "unknown"}).", nameof(dimension));
        if (queries.Length == 0 || queries.Length % dimension != 0)
            throw new ArgumentException($"{queries.Length} values are not whole queries of dimension {dimension}.", nameof(queries));
        if (k is < 1 or > IndexQueryLimits.MaxK) throw new ArgumentException($"-k {k} is out of range: use 1 to {IndexQueryLimits.MaxK}.", nameof(k));
        int count = queries.Length / dimension;
        var answers = await Task.WhenAll(manifest.Shards.Select(async s =>
            (s.Shard, Answer: await GrainFactory.GetGrain<IIndexShardGrain>(IndexGrainKeys.Shard(Location, s.Shard))
                .SearchAsync(manifest.BuildId, queries, dimension, Math.Min(k, s.Rows)))));

        var paths = new Dictionary<(int Shard, int Row), string>();
        foreach (var (shard, answer) in answers)
            for (int i = 0; i < answer.Rows.Length; i++)
                paths[(shard, answer.Rows[i])] = answer.Paths[i];
        var merged = ShardResultsMerge.Merge(
            [.. answers.Select(a => (a.Shard, new KnnResult(a.Answer.Queries, a.Answer.K, [.. a.Answer.Rows.Select(r => (long)r)], a.Answer.Scores)))],
            count, IndexNames.ParseMetric(manifest.Metric), k);
        return [.. merged.Select(hits => hits.Select(h => new Neighbor(paths[(h.Shard, h.Row)], h.Score, h.Shard, h.Row)).ToArray())];
    }

    public async Task<float[]> EmbedImageAsync(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var manifest = await ReadManifestAsync();
        var embeddings = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(manifest.Embeddings)));
        var record = embeddings.Record
                     ?? throw new InvalidDataException($"{manifest.Embeddings} has no job.json naming its model: query with --vector or --id instead.");
        var vector = await embedder.EmbedAsync(record, image, CancellationToken.None);
        return vector.Length == manifest.Dimension ? vector
            : throw new InvalidDataException($"the model {record.ModelSource ?? record.Model} gives dimension {vector.Length} now, the index holds {manifest.Dimension}: was the model changed?");
    }

    public async Task<float[]?> VectorOfAsync(string imagePath)
    {
        var manifest = await ReadManifestAsync();
        var located = await Task.WhenAll(manifest.Shards.Select(s =>
            GrainFactory.GetGrain<IIndexShardGrain>(IndexGrainKeys.Shard(Location, s.Shard)).LocateAsync(manifest.BuildId, imagePath)));
        if (located.FirstOrDefault(r => r is not null) is not { } row) return null;
        var embeddings = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(manifest.Embeddings)));
        var marker = embeddings.Shards.FirstOrDefault(m => m.Shard == row.Shard)
                     ?? throw new InvalidDataException($"{manifest.Embeddings} no longer has embedding shard {row.Shard} that the index was built from: rebuild the index.");
        var shard = await embeddings.ReadShardAsync(marker);
        return shard.Row(row.Row).ToArray();
    }

    private Task<IndexManifest> ReadManifestAsync() => IndexManifests.ReadAsync(stores.Open(StorageLocation.Parse(Location)));
}
