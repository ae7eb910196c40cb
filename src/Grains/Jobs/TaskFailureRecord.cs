namespace Pipeline.Grains.Jobs;

/// <summary>
/// <c>_shards/&lt;n&gt;.failed.json</c>: a task that failed every attempt, with its last error. Written once per given-up
/// task (not per lease); <c>pipeline retry</c> deletes it and runs the task again.
/// </summary>
public sealed record TaskFailureRecord
{
    public required string JobId { get; init; }
    public required int Shard { get; init; }
    public long Items { get; init; }
    public int Attempts { get; init; }
    public required string Error { get; init; }
    public DateTimeOffset FailedAt { get; init; }
}
