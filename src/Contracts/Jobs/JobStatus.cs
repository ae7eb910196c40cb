namespace Pipeline.Contracts.Jobs;

/// <summary>A snapshot of a job, for <c>pipeline status</c>, <c>jobs</c> and the waiting CLI. Items are images for embed jobs.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public string? Kind { get; init; }
    [Id(3)] public int Priority { get; init; }

    /// <summary>Tasks planned so far (all of them once <see cref="PlanningDone"/>).</summary>
    [Id(4)] public int TotalTasks { get; init; }
    [Id(5)] public bool PlanningDone { get; init; }
    [Id(6)] public int CompletedTasks { get; init; }
    [Id(7)] public int FailedTasks { get; init; }
    [Id(8)] public int RunningTasks { get; init; }

    /// <summary>Items (images, prompts, ...) planned so far.</summary>
    [Id(9)] public long TotalItems { get; init; }

    /// <summary>Items with an output row.</summary>
    [Id(10)] public long DoneItems { get; init; }

    /// <summary>Items with a failure record, plus the items of failed tasks.</summary>
    [Id(11)] public long FailedItems { get; init; }
    [Id(12)] public double ItemsPerSecond { get; init; }
    [Id(13)] public string? Output { get; init; }
    [Id(14)] public string? Error { get; init; }
    [Id(15)] public DateTimeOffset? SubmittedAt { get; init; }
    [Id(16)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Attempts that were handed out again (a lease expired, a worker's silo died, an attempt failed).</summary>
    [Id(17)] public long Retries { get; init; }

    public bool IsFinal => State is JobState.Succeeded or JobState.CompletedWithErrors or JobState.Failed or JobState.Cancelled;

    /// <summary>Seconds left at the current speed, when there is one.</summary>
    public double? EtaSeconds => PlanningDone && ItemsPerSecond > 0 && !IsFinal
        ? Math.Max(0, TotalItems - DoneItems - FailedItems) / ItemsPerSecond
        : null;
}
