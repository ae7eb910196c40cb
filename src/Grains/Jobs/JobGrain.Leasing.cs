using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// Task leases: hand out, renew, complete, fail. None of these writes grain state: leases are soft state, and a
/// completion's durable record is the marker the worker created. A timer returns expired leases, and those of silos
/// the cluster has declared dead, to the queue.
/// </summary>
public sealed partial class JobGrain
{
    private DateTimeOffset lastReclaim = DateTimeOffset.MinValue;

    public async Task<TaskLease?> LeaseTaskAsync(WorkerInfo worker, CancellationToken cancellationToken = default)
    {
        if (!ready || job.State.State is not (JobState.Planning or JobState.Running) || job.State.Spec is not { } spec
            || spec.Device != worker.DeviceKind)
            return null;
        var now = time.GetUtcNow();
        // Expired leases return here too (at most once per interval), so a lease never waits for a timer tick.
        if (now - lastReclaim >= options.Value.ReclaimInterval) await ReclaimLeasesAsync(cancellationToken);
        var expires = now + options.Value.LeaseDuration;
        if (!table.TryLease(worker, expires, out int task, out var lease)) return null;
        if (lease.Attempt > 1) PipelineMetrics.TaskRetries.Add(1, new KeyValuePair<string, object?>("kind", spec.Kind));
        PublishQueueDepth();
        return new TaskLease { JobId = JobId, Task = task, LeaseId = lease.LeaseId, ExpiresAt = expires, Spec = spec, Attempt = lease.Attempt };
    }

    public Task<bool> RenewLeaseAsync(int task, Guid leaseId, CancellationToken cancellationToken = default)
    {
        if (job.State.State is not (JobState.Planning or JobState.Running)) return Task.FromResult(false);
        var expires = time.GetUtcNow() + options.Value.LeaseDuration;
        if (table.IsLeasedBy(task, leaseId))
        {
            table.Renew(task, expires);
            return Task.FromResult(true);
        }
        // While this activation rebuilds its table it cannot tell: let the attempt go on (its next renewal decides).
        if (!ready) return Task.FromResult(true);
        // After a failover this activation knows no leases: let the worker that still runs the task keep it.
        return Task.FromResult(table.TryAdopt(task, leaseId, expires, "adopted"));
    }

    public Task CompleteTaskAsync(int task, Guid leaseId, TaskOutcome outcome, CancellationToken cancellationToken = default)
    {
        if (!ready || task < 0 || task >= table.Count) return Task.CompletedTask;
        if (table.Complete(task, outcome.Rows, outcome.Failures))
        {
            dirty = true;
            PublishQueueDepth();
            MaybeFinish();
        }
        return Task.CompletedTask;
    }

    public async Task FailTaskAsync(int task, Guid leaseId, string error, CancellationToken cancellationToken = default)
    {
        if (!ready || job.State.Spec is not { } spec || !table.IsLeasedBy(task, leaseId)) return;
        await ReleaseAsync(task, spec, error, cancellationToken);
        MaybeFinish();
    }

    private async Task ReleaseAsync(int task, JobSpec spec, string error, CancellationToken cancellationToken)
    {
        lastTaskError = $"task {task}: {error}";
        if (table.Release(task, spec.MaxTaskAttempts) == TaskState.Failed)
        {
            dirty = true;
            PipelineMetrics.TaskFailures.Add(1, new KeyValuePair<string, object?>("kind", spec.Kind));
            logger.LogWarning("job {JobId} task {Task}: failed {Attempts} times, giving up: {Error}", JobId, task, table.AttemptsOf(task), error);
            await outputs.WriteTaskFailureAsync(Output, JobId, task, table.ItemsOf(task), table.AttemptsOf(task), error, cancellationToken);
        }
        PublishQueueDepth();
    }

    /// <summary>Timer: leases that expired, or whose worker's silo the cluster declared dead, go back to the queue.</summary>
    private async Task ReclaimLeasesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lastReclaim = now;
        if (!ready || table.Running == 0 || job.State.Spec is not { } spec) return;
        var snapshot = membership.CurrentSnapshot;
        var lost = table.Leases
            .Where(l => l.Value.ExpiresAt <= now || (l.Value.Silo is { } silo && snapshot.GetSiloStatus(silo) == SiloStatus.Dead))
            .Select(l => (Task: l.Key, Lease: l.Value))
            .ToList();
        foreach (var (task, lease) in lost)
        {
            bool dead = lease.ExpiresAt > now;
            var why = dead
                ? $"silo {lease.Silo} of worker {lease.WorkerId} died (attempt {lease.Attempt})"
                : $"lease of worker {lease.WorkerId} expired (attempt {lease.Attempt})";
            logger.LogInformation("job {JobId} task {Task}: {Why}; back to the queue", JobId, task, why);
            await ReleaseAsync(task, spec, why, cancellationToken);
        }
        if (lost.Count > 0) MaybeFinish();
    }

    private void PublishQueueDepth() => PipelineMetrics.SetQueueDepth(JobId, table.Pending);
}
