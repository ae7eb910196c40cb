using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// A job's status as <c>--json</c> prints it (snake_case): the <see cref="JobStatus"/> fields, the state as its name
/// (<c>Running</c>, <c>CompletedWithErrors</c>, ...) and, once it ended, its exit code. Its own type, so the
/// scripted format changes only on purpose, never with the wire type.
/// </summary>
public sealed record JobStatusDocument
{
    public required string JobId { get; init; }
    public string? Kind { get; init; }
    public required string State { get; init; }
    public bool IsFinal { get; init; }
    /// <summary>The exit code of the job once it ended (0, 2 or 1); null while it runs.</summary>
    public int? ExitCode { get; init; }
    public int Priority { get; init; }
    public bool PlanningDone { get; init; }
    public int TotalTasks { get; init; }
    public int CompletedTasks { get; init; }
    public int RunningTasks { get; init; }
    public int FailedTasks { get; init; }
    public long TotalItems { get; init; }
    public long DoneItems { get; init; }
    public long FailedItems { get; init; }
    public double ItemsPerSecond { get; init; }
    public double? EtaSeconds { get; init; }
    public long Retries { get; init; }
    public string? Output { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public static JobStatusDocument From(JobStatus s) => new()
    {
        JobId = s.JobId,
        Kind = s.Kind,
        State = s.State.ToString(),
        IsFinal = s.IsFinal,
        ExitCode = s.IsFinal || s.State == JobState.Unknown ? ExitCodes.For(s.State) : null,
        Priority = s.Priority,
        PlanningDone = s.PlanningDone,
        TotalTasks = s.TotalTasks,
        CompletedTasks = s.CompletedTasks,
        RunningTasks = s.RunningTasks,
        FailedTasks = s.FailedTasks,
        TotalItems = s.TotalItems,
        DoneItems = s.DoneItems,
        FailedItems = s.FailedItems,
        ItemsPerSecond = Math.Round(s.ItemsPerSecond, 3),
        EtaSeconds = s.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
        Retries = s.Retries,
        Output = s.Output,
        Error = s.Error,
        SubmittedAt = s.SubmittedAt,
        FinishedAt = s.FinishedAt,
    };
}
