using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>
/// How many rows one index shard may hold under a memory budget, as autofaiss sizes an index from its budget. A
/// shard's build holds its rows as float32 (read from the embeddings) plus the index itself: the stored vectors and,
/// for HNSW, about 2 x connectivity 4-byte links per row on the base layer and a node header.
/// </summary>
public static class ShardSizing
{
    /// <summary>The connectivity sizing assumes when none is given (the HNSW default's order of magnitude).</summary>
    public const int AssumedConnectivity = 32;

    public static long BytesPerRow(string kind, int dimension, IndexStorage storage, int? connectivity)
    {
        long vector = (long)dimension * (storage == IndexStorage.Float16 ? 2 : 4);
        long index = kind == "hnsw" ? vector + 8L * (connectivity ?? AssumedConnectivity) + 64 : vector;
        return 4L * dimension + index;
    }

    /// <summary>Rows per shard: what the budget holds, at most what one .NET float array holds, at least 1.</summary>
    public static long RowsPerShard(string kind, int dimension, IndexStorage storage, int? connectivity, long memoryBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        long byBudget = memoryBudgetBytes / BytesPerRow(kind, dimension, storage, connectivity);
        long byArray = Array.MaxLength / dimension;
        return Math.Max(1, Math.Min(byBudget, byArray));
    }
}
