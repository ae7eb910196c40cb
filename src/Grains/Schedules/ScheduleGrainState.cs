using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Schedules;

/// <summary>
/// What a schedule grain persists: its spec, the instant through which every occurrence has been handled (the once-per-tick
/// line: an occurrence at or before it is never submitted again by this grain), and a bounded history for
/// <c>schedule list</c>. A crash between a submit and the write of this state makes the next wake submit the same
/// deterministic job id again, which the job grain turns into a resume.
/// </summary>
[GenerateSerializer, Alias("pipeline.ScheduleGrainState")]
public sealed class ScheduleGrainState
{
    [Id(0)] public ScheduleSpec? Spec { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Every occurrence at or before this instant has been submitted or counted as missed.</summary>
    [Id(2)] public DateTimeOffset HandledThrough { get; set; }

    /// <summary>The last tick that submitted a job, in the schedule's zone.</summary>
    [Id(3)] public DateTimeOffset? LastTick { get; set; }
    [Id(4)] public string? LastJobId { get; set; }
    [Id(5)] public List<ScheduledJob> RecentJobs { get; set; } = [];
    [Id(6)] public long MissedTicks { get; set; }
    [Id(7)] public List<DateTimeOffset> RecentMissed { get; set; } = [];
    [Id(8)] public string? LastError { get; set; }
}
