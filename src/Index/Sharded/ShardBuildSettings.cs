using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>How one shard is built: metric, stored element type, the memory it may use, and HNSW overrides.</summary>
public sealed record ShardBuildSettings
{
    public IndexMetric Metric { get; init; } = IndexMetric.Cosine;

    public IndexStorage Storage { get; init; } = IndexStorage.Float16;

    public long MemoryBudgetBytes { get; init; } = 8L << 30;

    public int? Connectivity { get; init; }

    public int? ExpansionAdd { get; init; }

    public int? ExpansionSearch { get; init; }
}
