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

    /// <summary>
    /// Recall@10 the tuned efSearch must reach on rows left out of the graph while it is tuned (0.95 is the floor users
    /// are promised; the margin covers the sampling error of the probe, about 0.005 at 500 queries).
    /// </summary>
    public double RecallTarget { get; init; } = DefaultRecallTarget;

    public const double DefaultRecallTarget = 0.96;

    /// <summary>Rows of the shard used as held-out queries for the recall measured at build; 0: none recorded (HNSW still tunes on <see cref="MinTuningQueries"/>).</summary>
    public int RecallQueries { get; init; } = 1000;

    /// <summary>Seed of the held-out sample.</summary>
    public int RecallSeed { get; init; }

    /// <summary>Threads building the shard; 0: one per core. One thread builds the same HNSW graph every time.</summary>
    public int BuildThreads { get; init; }

    /// <summary>Held-out queries efSearch is tuned on at least.</summary>
    public const int MinTuningQueries = 500;
}
