using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Schedules;

/// <summary>
/// The wake path: the reminder and the timer both call <see cref="RunDueAsync"/>. Order within a wake: submit the due
/// tick's job (deterministic id), then persist the handled-through instant. A crash between the two resubmits the same
/// id at the next wake (a resume, not a second job); a submit that throws leaves the tick unhandled, so the next wake
/// retries it until it falls out of the catch-up window.
/// </summary>
public sealed partial class ScheduleGrain
{
    public async Task RunDueAsync(CancellationToken cancellationToken = default)
    {
        if (schedule.State.Spec is not { } spec || compiled is null)
        {
            // A reminder of a removed schedule (the removal did not get to unregister it): stop it now.
            await ForgetReminderAsync();
            return;
        }
        await EnsureRegisteredAsync(cancellationToken);
        var now = time.GetUtcNow();
        var state = schedule.State;
        var due = compiled.Due(state.HandledThrough, now, Options.CatchUpWindow, Options.History);
        if (due.Any)
        {
            if (due.Run is { } tick)
            {
                var jobId = ScheduleTemplate.JobId(Name, tick);
                var result = await GrainFactory.GetGrain<IJobGrain>(jobId).SubmitAsync(ScheduleTemplate.Render(spec.Template, Name, tick), cancellationToken);
                Record(new ScheduledJob { Tick = tick, JobId = jobId, SubmittedAt = now, Accepted = result.Accepted, Error = result.Error });
                state.LastTick = tick;
                state.LastJobId = jobId;
                if (result.Accepted) logger.LogInformation("schedule {Schedule}: tick {Tick} submitted job {JobId}", Name, tick, jobId);
                else logger.LogWarning("schedule {Schedule}: tick {Tick}: job {JobId} refused: {Error}", Name, tick, jobId, result.Error);
            }
            if (due.Missed > 0)
            {
                state.MissedTicks += due.Missed;
                state.RecentMissed.AddRange(due.RecentMissed);
                if (state.RecentMissed.Count > Options.History) state.RecentMissed.RemoveRange(0, state.RecentMissed.Count - Options.History);
                logger.LogWarning("schedule {Schedule}: {Missed} tick(s) missed (due while nobody ran, or superseded), the latest {Latest}", Name,
                    due.Missed, due.RecentMissed.LastOrDefault());
            }
            state.HandledThrough = now;
            await schedule.WriteStateAsync(cancellationToken);
        }
        else if (now > state.HandledThrough && compiled.NextAfter(state.HandledThrough) is null)
        {
            state.HandledThrough = now;
            await schedule.WriteStateAsync(cancellationToken);
        }
        ArmTimer();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName) return;
        try
        {
            await RunDueAsync();
        }
        catch (Exception e)
        {
            // The tick stays unhandled: the timer or the next reminder retries it.
            logger.LogWarning(e, "schedule {Schedule}: wake by reminder failed; retried at the next wake", Name);
            ArmTimer();
        }
    }

    /// <summary>
    /// A one-shot timer at the next occurrence after the handled-through instant (at once when one is overdue), never
    /// further ahead than two reminder periods: each reminder tick re-arms it anyway.
    /// </summary>
    private void ArmTimer()
    {
        if (compiled is null || schedule.State.Spec is null || compiled.NextAfter(schedule.State.HandledThrough) is not { } next)
        {
            timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        // A little after the occurrence, so the clock reads at or past it when the timer fires.
        var delay = next - time.GetUtcNow() + TimeSpan.FromMilliseconds(20);
        var longest = Options.ReminderPeriod * 2;
        if (delay > longest) delay = longest;
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        SetTimer(delay);
    }

    private void SetTimer(TimeSpan delay)
    {
        if (timer is null) timer = this.RegisterGrainTimer(WakeByTimerAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));
        else timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task WakeByTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunDueAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "schedule {Schedule}: wake by timer failed; retried at the next wake", Name);
            ArmRetry();
        }
    }

    /// <summary>After a failed wake: try again in a few seconds rather than at the next occurrence.</summary>
    private void ArmRetry() => SetTimer(TimeSpan.FromSeconds(Math.Min(5, Options.ReminderPeriod.TotalSeconds)));
}
