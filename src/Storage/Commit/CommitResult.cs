namespace Pipeline.Storage.Commit;

/// <summary>The outcome of <see cref="ShardCommit.CommitAsync"/>.</summary>
/// <param name="Won">Whether this attempt created the marker (its files are the shard's).</param>
/// <param name="Marker">The shard's marker: this attempt's when it won, the winner's otherwise.</param>
public sealed record CommitResult(bool Won, ShardMarker Marker);
