using Pipeline.Contracts.Jobs;

namespace Pipeline.Contracts.Schedules;

/// <summary>
/// One schedule, keyed by its name. At every tick of its cron expression it submits its job template (output rendered
/// for the tick) as job <c>&lt;name&gt;-&lt;tick&gt;</c> through <see cref="IJobGrain.SubmitAsync"/>, which returns at
/// once; a tick handled twice resubmits the same id, which resumes and never duplicates. A reminder keeps the schedule
/// alive across silo restarts; nothing here awaits the job itself.
/// </summary>
[Alias("pipeline.IScheduleGrain")]
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores the schedule and starts its reminder. An existing different one is replaced only with <paramref name="replace"/>.</summary>
    [Alias("Add")]
    Task<ScheduleResult> AddAsync(ScheduleSpec spec, bool replace, CancellationToken cancellationToken = default);

    /// <summary>Forgets the schedule and unregisters its reminder; false when there was none. Jobs it submitted go on.</summary>
    [Alias("Remove")]
    Task<bool> RemoveAsync(CancellationToken cancellationToken = default);

    /// <summary>The schedule, or null when there is none under this name.</summary>
    [Alias("Get")]
    Task<ScheduleInfo?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Submits the template now as job <c>&lt;name&gt;-manual-&lt;utc&gt;</c>, outside the ticks; refused when there is no schedule.</summary>
    [Alias("RunNow")]
    Task<SubmitResult> RunNowAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The tick handler the reminder and the timer call: submits the latest due tick unless it is older than the
    /// catch-up window, counts the rest as missed, and records the tick as handled. Safe to call at any time, as
    /// often as wanted: a handled tick is never submitted again.
    /// </summary>
    [Alias("RunDue")]
    Task RunDueAsync(CancellationToken cancellationToken = default);
}
