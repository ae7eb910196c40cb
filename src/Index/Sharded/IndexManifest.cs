namespace Pipeline.Index.Sharded;

/// <summary>
/// <c>index.json</c>: a sharded index as one document. A query opens each listed shard's file and merges the top k.
/// Written last, once every shard is committed: a folder without it is not a usable index.
/// </summary>
public sealed record IndexManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary><c>exact</c> or <c>hnsw</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>cosine</c>, <c>ip</c> or <c>l2</c> (scores of l2 are squared distances).</summary>
    public required string Metric { get; init; }
    public required string Storage { get; init; }
    public required int Dimension { get; init; }
    public required long Rows { get; init; }
    public long SkippedRows { get; init; }
    public required IReadOnlyList<ShardBuildReport> Shards { get; init; }

    /// <summary>Parameters shared by the shards' builds (the first shard's; shards of very different sizes may differ, see each shard).</summary>
    public required IReadOnlyDictionary<string, long> BuildParameters { get; init; }
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Recall@10 over all shards' held-out queries (row-weighted mean of the shards' measurements); null for exact.</summary>
    public double? RecallAt10 { get; init; }
    public int RecallQueries { get; init; }

    /// <summary>The embed output this index was built from, its job id and model (from its job.json).</summary>
    public required string Embeddings { get; init; }
    public string? EmbedJobId { get; init; }
    public string? Model { get; init; }
    public string? Weights { get; init; }
    public string? WeightsSha256 { get; init; }
    public string? Pooling { get; init; }

    /// <summary>Embedding shards with no rows (every image failed to embed): nothing of theirs is indexed.</summary>
    public IReadOnlyList<int> EmptyEmbeddingShards { get; init; } = [];

    /// <summary>The index job that built it; a query service reloads shards when this changes.</summary>
    public required string BuildId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
