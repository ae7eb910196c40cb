namespace Pipeline.Grains.Schedules;

/// <summary>
/// What one wake of a schedule found between the last handled instant and now: the tick to submit (the latest due one,
/// when it is inside the catch-up window) and the ticks that will not run (older ones, or all when the latest is too old).
/// </summary>
/// <param name="Run">The tick to submit, in the schedule's zone; null when none.</param>
/// <param name="Missed">How many due ticks are not run.</param>
/// <param name="RecentMissed">The latest of those, oldest first, at most the history length.</param>
public sealed record DueTicks(DateTimeOffset? Run, long Missed, IReadOnlyList<DateTimeOffset> RecentMissed)
{
    public static DueTicks None { get; } = new(null, 0, []);

    public bool Any => Run is not null || Missed > 0;
}
