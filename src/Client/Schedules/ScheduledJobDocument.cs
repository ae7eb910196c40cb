using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Schedules;

/// <summary>One job a schedule submitted, as <c>schedule list --json</c> prints it.</summary>
public sealed record ScheduledJobDocument
{
    public required string JobId { get; init; }
    public DateTimeOffset Tick { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public bool Manual { get; init; }
    public bool Accepted { get; init; }
    public string? Error { get; init; }

    public static ScheduledJobDocument From(ScheduledJob job) => new()
    {
        JobId = job.JobId, Tick = job.Tick, SubmittedAt = job.SubmittedAt, Manual = job.Manual, Accepted = job.Accepted, Error = job.Error,
    };
}
