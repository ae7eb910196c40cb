using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Sharded;

/// <summary>
/// HNSW shards (USearch): a manifest file (<c>.usearch</c>) and one graph file per sub-graph beside it, memory-mapped
/// when opened. Parameters come from the memory budget and the shard's rows (<see cref="HnswParameters.Choose"/>),
/// then the spec's overrides.
/// </summary>
public sealed class HnswShardFormat : IShardIndexFormat
{
    public string Kind => "hnsw";

    public string FileExtension => "usearch";

    public BuiltShard Build(float[] rows, int dimension, ShardBuildSettings settings, string localPath)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        int count = rows.Length / dimension;
        var chosen = HnswParameters.Choose(count, dimension, settings.Storage, settings.MemoryBudgetBytes);
        var parameters = new HnswParameters(settings.Connectivity ?? chosen.Connectivity, settings.ExpansionAdd ?? chosen.ExpansionAdd,
            settings.ExpansionSearch ?? chosen.ExpansionSearch);
        var index = HnswShardIndex.Build(rows, dimension, settings.Metric, settings.Storage, parameters, out var skipped);
        if (skipped.Length > 0)
        {
            index.Dispose();
            // The caller leaves out rows that cannot be stored; a row skipped here would shift every row after it.
            throw new InvalidDataException($"the HNSW build left out {skipped.Length} rows (first: {skipped[0]}) that the index rows list: they cannot be stored as {IndexNames.Name(settings.Storage)}.");
        }
        index.Save(localPath);
        var files = new List<string> { localPath };
        files.AddRange(Enumerable.Range(0, index.Partitions).Select(p => HnswManifest.PartPath(localPath, p)));
        return new BuiltShard(new Shard(index), Describe(index), files);
    }

    public IShardIndex Open(string localPath, ShardShape expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        HnswShardIndex index;
        try
        {
            index = HnswShardIndex.Open(localPath, expected.Dimension, expected.Metric);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"HNSW index shard {localPath} does not match index.json: {e.Message}", e);
        }
        if (index.Rows != expected.Rows)
        {
            index.Dispose();
            throw new InvalidDataException($"HNSW index shard {localPath} holds {index.Rows} rows, index.json says {expected.Rows}.");
        }
        return new Shard(index);
    }

    private static Dictionary<string, long> Describe(HnswShardIndex index) => new()
    {
        ["connectivity"] = index.Parameters.Connectivity,
        ["expansion_add"] = index.Parameters.ExpansionAdd,
        ["expansion_search"] = index.Parameters.ExpansionSearch,
        ["partitions"] = index.Partitions,
    };

    /// <summary>The shard seen through <see cref="IShardIndex"/>: searches at the expansion it was built with.</summary>
    private sealed class Shard(HnswShardIndex index) : IShardIndex
    {
        public int Rows => index.Rows;

        public int Dimension => index.Dimension;

        public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k) => index.Search(queries, dimension, k);

        public void Dispose() => index.Dispose();
    }
}
