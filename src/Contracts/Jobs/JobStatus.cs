namespace Pipeline.Contracts.Jobs;

/// <summary>A snapshot of a job, for <c>pipeline status</c> and the waiting CLI.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public int TotalShards { get; init; }
    [Id(3)] public int CompletedShards { get; init; }
    [Id(4)] public int FailedShards { get; init; }
    [Id(5)] public int RunningShards { get; init; }
    [Id(6)] public long TotalImages { get; init; }
    [Id(7)] public long EmbeddedImages { get; init; }
    [Id(8)] public long FailedImages { get; init; }
    [Id(9)] public double ImagesPerSecond { get; init; }
    [Id(10)] public string? Output { get; init; }
    [Id(11)] public string? Error { get; init; }
    [Id(12)] public DateTimeOffset? StartedAt { get; init; }
    [Id(13)] public DateTimeOffset? FinishedAt { get; init; }

    public bool IsFinal => State is JobState.Succeeded or JobState.CompletedWithErrors or JobState.Failed;
}
