namespace Pipeline.Storage.Commit;

/// <summary><c>manifest.json</c>: the committed shards of a finished job, built from their markers.</summary>
public sealed record JobManifest
{
    public required string JobId { get; init; }

    /// <summary>The job kind (<c>embed</c>, ...).</summary>
    public string? Kind { get; init; }
    public required string State { get; init; }
    public int? EmbeddingDim { get; init; }
    public string? Dtype { get; init; }
    public long TotalRows { get; init; }

    /// <summary>Samples that have no row: standing failure records plus the items of failed shards.</summary>
    public long TotalFailures { get; init; }
    public required IReadOnlyList<ShardMarker> Shards { get; init; }
    public IReadOnlyList<FailedShard> FailedShards { get; init; } = [];

    /// <summary>Shards whose failure records a <c>pipeline retry</c> re-planned into later shards (kept as history).</summary>
    public IReadOnlyList<int> SupersededFailures { get; init; } = [];
    public DateTimeOffset FinishedAt { get; init; }
}

/// <summary>A shard that failed every attempt; it has no output files.</summary>
public sealed record FailedShard(int Shard, int Images, string Error);
