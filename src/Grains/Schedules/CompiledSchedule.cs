using Cronos;

namespace Pipeline.Grains.Schedules;

/// <summary>A schedule's cron expression and time zone, parsed once per activation: next occurrences and the ticks due by now.</summary>
public sealed class CompiledSchedule(CronExpression cron, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, in the zone; null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => cron.GetNextOccurrence(instant, Zone, inclusive: false);

    /// <summary>
    /// The occurrences after <paramref name="handledThrough"/> and at or before <paramref name="now"/>: the latest runs
    /// when it is at most <paramref name="window"/> old, the others are missed.
    /// </summary>
    public DueTicks Due(DateTimeOffset handledThrough, DateTimeOffset now, TimeSpan window, int keep)
    {
        if (now <= handledThrough) return DueTicks.None;
        long count = 0;
        DateTimeOffset? latest = null;
        var recent = new Queue<DateTimeOffset>();
        foreach (var tick in cron.GetOccurrences(handledThrough, now, Zone, fromInclusive: false, toInclusive: true))
        {
            if (latest is { } previous) Keep(recent, previous, keep);
            latest = tick;
            count++;
        }
        if (latest is not { } last) return DueTicks.None;
        if (now - last <= window) return new DueTicks(last, count - 1, recent.ToList());
        Keep(recent, last, keep);
        return new DueTicks(null, count, recent.ToList());
    }

    private static void Keep(Queue<DateTimeOffset> recent, DateTimeOffset tick, int keep)
    {
        recent.Enqueue(tick);
        while (recent.Count > keep) recent.Dequeue();
    }
}
