using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Sharded;

/// <summary>
/// HNSW shards (USearch): a manifest file (<c>.usearch</c>) and one graph file per sub-graph beside it, memory-mapped
/// when opened. Connectivity and build expansion come from the memory budget and the shard's rows
/// (<see cref="HnswParameters.Choose"/>), efSearch from a recall target measured on the shard; the spec overrides each.
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
        // The held-out sample stays out of the graph while efSearch is tuned and recall measured, then joins it: the
        // measurement is of queries the graph does not hold, as users' are (a row the graph holds is found more
        // easily: 0.02-0.05 higher recall on the benchmarks' mixture).
        var probe = HeldOutRecall.PrepareLeftOut(rows, dimension, settings.Metric,
            Math.Max(ShardBuildSettings.MinTuningQueries, settings.RecallQueries), seed: settings.RecallSeed);
        var index = HnswShardIndex.Build(rows, dimension, settings.Metric, settings.Storage, parameters, out var skipped,
            threads: settings.BuildThreads, holdBack: probe?.SampleRows);
        if (skipped.Length > 0)
        {
            index.Dispose();
            // The caller leaves out rows that cannot be stored; a row skipped here would shift every row after it.
            throw new InvalidDataException($"the HNSW build left out {skipped.Length} rows (first: {skipped[0]}) that the index rows list: they cannot be stored as {IndexNames.Name(settings.Storage)}.");
        }
        int expansion = settings.ExpansionSearch ?? (probe is null ? index.Parameters.ExpansionSearch : TuneExpansion(index, probe, settings.RecallTarget));
        double? recall = probe is null || settings.RecallQueries == 0 ? null : probe.Of(new Shard(index, expansion));
        index.AddHeldBack();
        index.Save(localPath);
        var files = new List<string> { localPath };
        files.AddRange(Enumerable.Range(0, index.Partitions).Select(p => HnswManifest.PartPath(localPath, p)));
        return new BuiltShard(new Shard(index, expansion), Describe(index, expansion), files) { Recall = recall };
    }

    /// <summary>efSearch steps tried at build, smallest first.</summary>
    public static readonly IReadOnlyList<int> ExpansionLadder = [16, 24, 32, 40, 48, 64, 96, 128, 192, 256, 384, 512];

    /// <summary>
    /// The smallest efSearch of <see cref="ExpansionLadder"/> whose recall@10 on the held-out rows reaches
    /// <paramref name="target"/>, as autofaiss tunes its search parameters on the data: how much search a shard needs
    /// depends on its rows and size, which a fixed default cannot know.
    /// </summary>
    private static int TuneExpansion(HnswShardIndex index, HeldOutRecall probe, double target)
    {
        foreach (int expansion in ExpansionLadder)
            if (probe.Of(new Shard(index, expansion)) >= target) return expansion;
        return ExpansionLadder[^1];
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
        // The efSearch tuned at build (index.json); the file's own when none is recorded.
        int expansion = expected.Parameters.TryGetValue("expansion_search", out long tuned) ? (int)tuned : index.Parameters.ExpansionSearch;
        return new Shard(index, expansion);
    }

    private static Dictionary<string, long> Describe(HnswShardIndex index, int expansion) => new()
    {
        ["connectivity"] = index.Parameters.Connectivity,
        ["expansion_add"] = index.Parameters.ExpansionAdd,
        ["expansion_search"] = expansion,
        ["partitions"] = index.Partitions,
    };

    /// <summary>The shard seen through <see cref="IShardIndex"/>: searches at the given efSearch.</summary>
    private sealed class Shard(HnswShardIndex index, int expansion) : IShardIndex
    {
        public int Rows => index.Rows;

        public int Dimension => index.Dimension;

        public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k) => index.Search(queries, dimension, k, expansion);

        public void Dispose() => index.Dispose();
    }
}
