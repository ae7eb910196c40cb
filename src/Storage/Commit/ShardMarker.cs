namespace Pipeline.Storage.Commit;

/// <summary>
/// <c>_shards/NNNNN.done.json</c>: created only if absent, once the attempt's files are staged. It names the attempt whose
/// staged files are the shard's, the final keys they are published under, and the row counts; readers, resume and the
/// manifest trust only shards that have one. Embed jobs fill <see cref="EmbeddingDim"/> and <see cref="Dtype"/>; other
/// kinds (index builds, image generation) leave them out.
/// </summary>
public sealed record ShardMarker
{
    public required string JobId { get; init; }
    public required int Shard { get; init; }

    /// <summary>The attempt whose staged files (<see cref="OutputLayout.Staged"/>) are published as the shard's.</summary>
    public required string Attempt { get; init; }

    public required int Rows { get; init; }
    public required int Failures { get; init; }
    public int? EmbeddingDim { get; init; }
    public string? Dtype { get; init; }

    /// <summary>The final keys of the shard's files, relative to the job's output location.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    public string? Worker { get; init; }
    public DateTimeOffset CommittedAt { get; init; }
}
