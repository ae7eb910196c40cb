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

    /// <summary>efSearch; null = the smallest that reaches <see cref="RecallTarget"/> on held-out rows of the shard.</summary>
    public int? ExpansionSearch { get; init; }

    /// <summary>Recall@10 the tuned efSearch must reach on held-out rows (0.95 is the floor users are promised: on the 100k Gaussian mixture of the benchmarks the held-out rows read about 0.02 above truly new queries, so the target leaves that margin).</summary>
    public double RecallTarget { get; init; } = DefaultRecallTarget;

    public const double DefaultRecallTarget = 0.98;
}
