namespace Pipeline.Storage.Commit;

/// <summary>
/// <c>_shards/NNNNN.done.json</c>: created only if absent, after the shard's files are written. It names the files and
/// row counts that are valid; readers, resume and the manifest trust only shards that have one.
/// </summary>
public sealed record ShardMarker
{
    public required string JobId { get; init; }
    public required int Shard { get; init; }
    public required int Rows { get; init; }
    public required int Failures { get; init; }
    public required int EmbeddingDim { get; init; }
    public required string Dtype { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public string? Worker { get; init; }
    public DateTimeOffset CommittedAt { get; init; }
}
