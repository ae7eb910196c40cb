namespace Pipeline.Storage.Commit;

/// <summary><c>manifest.json</c>: the committed shards of a finished job, built from their markers.</summary>
public sealed record JobManifest
{
    public required string JobId { get; init; }
    public required string State { get; init; }
    public required string Model { get; init; }
    public int EmbeddingDim { get; init; }
    public string? Dtype { get; init; }
    public long TotalRows { get; init; }
    public long TotalFailures { get; init; }
    public required IReadOnlyList<ShardMarker> Shards { get; init; }
    public IReadOnlyList<FailedShard> FailedShards { get; init; } = [];
    public DateTimeOffset FinishedAt { get; init; }
}

/// <summary>A shard that failed every attempt; it has no output files.</summary>
public sealed record FailedShard(int Shard, int Images, string Error);
