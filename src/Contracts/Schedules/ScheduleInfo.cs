namespace Pipeline.Contracts.Schedules;

/// <summary>
/// A snapshot of one schedule, for <c>pipeline schedule list</c>: its spec, when it fires next, what it fired last, the
/// last jobs it submitted, and the ticks it missed (due while nobody ran it, and older than the catch-up window).
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScheduleInfo")]
public sealed record ScheduleInfo
{
    [Id(0)] public required ScheduleSpec Spec { get; init; }

    [Id(1)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The next occurrence not yet handled, in the schedule's time zone; null when the expression never fires again.</summary>
    [Id(2)] public DateTimeOffset? NextTick { get; init; }

    /// <summary>The last tick that submitted a job, in the schedule's time zone.</summary>
    [Id(3)] public DateTimeOffset? LastTick { get; init; }

    [Id(4)] public string? LastJobId { get; init; }

    /// <summary>The last jobs submitted (ticks and run-now), oldest first.</summary>
    [Id(5)] public IReadOnlyList<ScheduledJob> RecentJobs { get; init; } = [];

    /// <summary>Every tick that was due but not run: passed beyond the catch-up window, or superseded by a later due tick.</summary>
    [Id(6)] public long MissedTicks { get; init; }

    /// <summary>The latest missed ticks, oldest first, in the schedule's time zone.</summary>
    [Id(7)] public IReadOnlyList<DateTimeOffset> RecentMissed { get; init; } = [];

    /// <summary>The last submit refusal or error, cleared by the next accepted submit.</summary>
    [Id(8)] public string? LastError { get; init; }
}
