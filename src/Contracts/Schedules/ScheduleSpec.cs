using Pipeline.Contracts.Jobs;

namespace Pipeline.Contracts.Schedules;

/// <summary>
/// What a user asks of a schedule: a name (the grain key and the prefix of every job id it submits), a cron expression
/// read in a time zone, and the job to submit at every tick. The template is a spec of any kind; its
/// <see cref="JobSpec.Output"/> may hold the placeholders of <see cref="ScheduleTemplate"/>, rendered per tick.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.ScheduleSpec")]
public sealed record ScheduleSpec
{
    /// <summary>1-38 letters, digits, '.', '_' or '-', starting with a letter or digit (see <see cref="ScheduleTemplate.MaxNameLength"/>).</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first.</summary>
    [Id(1)] public required string Cron { get; init; }

    /// <summary>IANA time zone id the cron expression is read in (and ticks are rendered in).</summary>
    [Id(2)] public string TimeZone { get; init; } = "UTC";

    /// <summary>The job each tick submits, with its output rendered for the tick.</summary>
    [Id(3)] public required JobSpec Template { get; init; }
}
