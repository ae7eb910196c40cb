using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Schedules;

/// <summary>
/// A schedule as <c>schedule list --json</c> prints it (snake_case): its spec (the template by kind and output), its
/// next and last ticks, the last jobs it submitted and the ticks it missed. Its own type, so the scripted format
/// changes only on purpose, never with the wire type.
/// </summary>
public sealed record ScheduleDocument
{
    public required string Name { get; init; }
    public required string Cron { get; init; }
    public required string TimeZone { get; init; }
    public required string Kind { get; init; }
    /// <summary>The template's output, placeholders unrendered.</summary>
    public required string Output { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? NextTick { get; init; }
    public DateTimeOffset? LastTick { get; init; }
    public string? LastJobId { get; init; }
    public long MissedTicks { get; init; }
    public IReadOnlyList<DateTimeOffset> RecentMissed { get; init; } = [];
    public IReadOnlyList<ScheduledJobDocument> RecentJobs { get; init; } = [];
    public string? LastError { get; init; }

    public static ScheduleDocument From(ScheduleInfo info) => new()
    {
        Name = info.Spec.Name,
        Cron = info.Spec.Cron,
        TimeZone = info.Spec.TimeZone,
        Kind = info.Spec.Template.Kind,
        Output = info.Spec.Template.Output,
        CreatedAt = info.CreatedAt,
        NextTick = info.NextTick,
        LastTick = info.LastTick,
        LastJobId = info.LastJobId,
        MissedTicks = info.MissedTicks,
        RecentMissed = info.RecentMissed,
        RecentJobs = info.RecentJobs.Select(ScheduledJobDocument.From).ToList(),
        LastError = info.LastError,
    };
}
