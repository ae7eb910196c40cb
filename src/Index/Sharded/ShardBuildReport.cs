namespace Pipeline.Index.Sharded;

/// <summary>
/// <c>shards/shard_&lt;n&gt;.build.json</c>: what one index shard holds and how it was built; <c>index.json</c> is
/// assembled from these once every shard is committed.
/// </summary>
public sealed record ShardBuildReport
{
    public required int Shard { get; init; }
    /// <summary>The shard's main index file (what a format opens).</summary>
    public required string File { get; init; }

    /// <summary>Every index file of the shard, the main one first (an HNSW shard has a manifest and its graph parts).</summary>
    public required IReadOnlyList<string> Files { get; init; }
    public required string RowsFile { get; init; }
    public required int Rows { get; init; }
    public required int Dimension { get; init; }

    /// <summary>The embedding shards whose rows this shard holds, in order.</summary>
    public required IReadOnlyList<int> EmbeddingShards { get; init; }

    /// <summary>Rows left out because their embedding has NaN or infinite values (their images are in this shard's failures file).</summary>
    public int SkippedRows { get; init; }

    public required IReadOnlyDictionary<string, long> Parameters { get; init; }

    /// <summary>Recall@10 against exact search over the same rows; null for the exact kind (it is the ground truth) or when not measured.</summary>
    public double? RecallAt10 { get; init; }
    public int RecallQueries { get; init; }
    public double BuildSeconds { get; init; }
    public long FileBytes { get; init; }
}
