namespace Pipeline.Contracts.Schedules;

/// <summary>One job a schedule submitted (for a tick, or by run-now) and how the job grain answered.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScheduledJob")]
public sealed record ScheduledJob
{
    /// <summary>The tick the job is for, in the schedule's time zone (run-now: the moment it was asked).</summary>
    [Id(0)] public required DateTimeOffset Tick { get; init; }

    [Id(1)] public required string JobId { get; init; }

    [Id(2)] public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Submitted by run-now rather than by a tick.</summary>
    [Id(3)] public bool Manual { get; init; }

    [Id(4)] public bool Accepted { get; init; }

    /// <summary>The job grain's refusal, when it refused.</summary>
    [Id(5)] public string? Error { get; init; }
}
