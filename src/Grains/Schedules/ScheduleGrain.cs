using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Schedules;

/// <summary>
/// One schedule, keyed by its name. Its durable state (spec, handled-through instant, history) lives in grain storage
/// "jobs"; a reminder of <see cref="ScheduleOptions.ReminderPeriod"/> brings it back after a silo restart or a
/// deactivation, and while it is active a one-shot grain timer fires at the exact next occurrence (a reminder alone
/// would be a minute late at best). Both wake <see cref="RunDueAsync"/> (ScheduleGrain.Ticks.cs), which grain turns
/// serialise, so one activation handles a tick once; across activations the deterministic job id makes the job grain
/// resume instead of starting a second job.
/// </summary>
public sealed partial class ScheduleGrain(
    [PersistentState("schedule", GrainStorageNames.Jobs)] IPersistentState<ScheduleGrainState> schedule,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    ILogger<ScheduleGrain> logger) : Grain, IScheduleGrain, IRemindable
{
    private const string ReminderName = "schedule";
    private CompiledSchedule? compiled;
    private IGrainTimer? timer;
    private bool registered;

    private string Name => this.GetPrimaryKeyString();

    private ScheduleOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (schedule.State.Spec is { } spec)
        {
            compiled = ScheduleChecks.Compile(spec);
            ArmTimer();
        }
        return Task.CompletedTask;
    }

    public async Task<ScheduleResult> AddAsync(ScheduleSpec spec, bool replace, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = ScheduleChecks.Validate(spec, Name, now, out var checkedSchedule);
        if (errors.Count > 0) return ScheduleResult.Refused(errors);

        if (schedule.State.Spec is { } existing && existing != spec)
        {
            if (!replace)
                return ScheduleResult.Refused($"schedule '{Name}' already exists with a different spec (cron '{existing.Cron}', zone {existing.TimeZone}, " +
                                              $"{existing.Template.Kind} job): pass --replace to replace it, or choose another --name.");
        }
        if (schedule.State.Spec != spec)
        {
            bool fresh = schedule.State.Spec is null;
            schedule.State.Spec = spec;
            if (fresh) schedule.State.CreatedAt = now;
            // From now on: occurrences before the add (or the replace) belong to no spec the user asked for.
            schedule.State.HandledThrough = now;
            schedule.State.LastError = null;
            await schedule.WriteStateAsync(cancellationToken);
            logger.LogInformation("schedule {Schedule}: {Action} cron '{Cron}' in {Zone}, {Kind} job", Name, fresh ? "added" : "replaced",
                spec.Cron, spec.TimeZone, spec.Template.Kind);
        }
        compiled = checkedSchedule;
        // An identical add lands here too: it repairs a reminder or registry entry an earlier add did not get to.
        await this.RegisterOrUpdateReminder(ReminderName, Options.ReminderPeriod, Options.ReminderPeriod);
        await EnsureRegisteredAsync(cancellationToken);
        ArmTimer();
        return new ScheduleResult { Accepted = true, Info = Snapshot() };
    }

    public async Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        bool existed = schedule.State.Spec is not null;
        timer?.Dispose();
        timer = null;
        compiled = null;
        if (existed) await schedule.ClearStateAsync(cancellationToken);
        await ForgetReminderAsync();
        await GrainFactory.GetGrain<IScheduleRegistryGrain>(ScheduleRegistryKeys.All).RemoveAsync(Name, cancellationToken);
        registered = false;
        if (existed) logger.LogInformation("schedule {Schedule}: removed", Name);
        return existed;
    }

    public Task<ScheduleInfo?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(schedule.State.Spec is null ? null : Snapshot());

    public async Task<SubmitResult> RunNowAsync(CancellationToken cancellationToken = default)
    {
        if (schedule.State.Spec is not { } spec || compiled is null)
            return SubmitResult.Refused(Name, $"there is no schedule '{Name}' (see 'pipeline schedule list').");
        var now = time.GetUtcNow();
        var jobId = ScheduleTemplate.ManualJobId(Name, now);
        var tick = TimeZoneInfo.ConvertTime(now, compiled.Zone);
        var result = await GrainFactory.GetGrain<IJobGrain>(jobId).SubmitAsync(ScheduleTemplate.Render(spec.Template, Name, tick), cancellationToken);
        Record(new ScheduledJob { Tick = tick, JobId = jobId, SubmittedAt = now, Manual = true, Accepted = result.Accepted, Error = result.Error });
        await schedule.WriteStateAsync(cancellationToken);
        return result;
    }

    private ScheduleInfo Snapshot()
    {
        var state = schedule.State;
        return new ScheduleInfo
        {
            Spec = state.Spec!,
            CreatedAt = state.CreatedAt,
            NextTick = compiled?.NextAfter(state.HandledThrough),
            LastTick = state.LastTick,
            LastJobId = state.LastJobId,
            RecentJobs = state.RecentJobs.ToList(),
            MissedTicks = state.MissedTicks,
            RecentMissed = state.RecentMissed.ToList(),
            LastError = state.LastError,
        };
    }

    private void Record(ScheduledJob job)
    {
        var state = schedule.State;
        state.RecentJobs.Add(job);
        if (state.RecentJobs.Count > Options.History) state.RecentJobs.RemoveRange(0, state.RecentJobs.Count - Options.History);
        state.LastError = job.Accepted ? null : $"job {job.JobId}: {job.Error}";
    }

    private async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (registered) return;
        await GrainFactory.GetGrain<IScheduleRegistryGrain>(ScheduleRegistryKeys.All).AddAsync(Name, cancellationToken);
        registered = true;
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }
}
