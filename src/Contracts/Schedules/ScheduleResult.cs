namespace Pipeline.Contracts.Schedules;

/// <summary>Answer to an add: accepted (with the schedule as it now stands) or refused with messages that say what to fix.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScheduleResult")]
public sealed record ScheduleResult
{
    [Id(0)] public bool Accepted { get; init; }

    [Id(1)] public IReadOnlyList<string> Errors { get; init; } = [];

    [Id(2)] public ScheduleInfo? Info { get; init; }

    public static ScheduleResult Refused(IReadOnlyList<string> errors) => new() { Accepted = false, Errors = errors };

    public static ScheduleResult Refused(string error) => Refused([error]);
}
