using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Workers;

/// <summary>
/// One worker slot: asks the queue which jobs are active (highest priority, then oldest, first), leases a task from
/// the first that has one for a worker like this, runs it while renewing the lease, reports the outcome, and leases
/// the next. It knows job kinds only through <see cref="IJobKind"/>.
/// </summary>
public sealed class TaskWorker(IGrainFactory grains, JobKinds kinds, TaskExecutor executor, WorkerSlot slot, WorkerInfo info,
    IOptions<WorkerOptions> options, TimeProvider time, ILogger<TaskWorker> logger) : IDisposable
{
    private readonly Dictionary<IJobKind, ITaskRunner> runners = [];
    private IReadOnlyList<JobEntry> jobs = [];
    private DateTimeOffset jobsFetchedAt = DateTimeOffset.MinValue;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                bool worked = false;
                try
                {
                    worked = await TryRunOneAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning("worker {Worker}: looking for work failed: {Error}", slot.WorkerId, e.Message);
                }
                if (!worked)
                {
                    jobsFetchedAt = DateTimeOffset.MinValue;
                    await Task.Delay(options.Value.IdlePollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var runner in runners.Values) runner.Dispose();
        runners.Clear();
    }

    private async Task<bool> TryRunOneAsync(CancellationToken stoppingToken)
    {
        if (time.GetUtcNow() - jobsFetchedAt > options.Value.JobListCacheTime)
        {
            jobs = await grains.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).GetActiveJobsAsync(stoppingToken);
            jobsFetchedAt = time.GetUtcNow();
        }
        foreach (var entry in jobs)
        {
            var job = grains.GetGrain<IJobGrain>(entry.JobId);
            var lease = await job.LeaseTaskAsync(info, stoppingToken);
            if (lease is null) continue;
            await RunLeasedAsync(job, lease, stoppingToken);
            return true;
        }
        return false;
    }

    private async Task RunLeasedAsync(IJobGrain job, TaskLease lease, CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = RenewWhileRunningAsync(job, lease, run);
        var clock = Stopwatch.StartNew();
        var kind = kinds.For(lease.Spec);
        try
        {
            if (!runners.TryGetValue(kind, out var runner)) runners[kind] = runner = kind.CreateRunner(slot);
            var outcome = await executor.RunAsync(lease, slot, runner, run.Token);
            await job.CompleteTaskAsync(lease.Task, lease.LeaseId, outcome, stoppingToken);
            var tags = new KeyValuePair<string, object?>("kind", lease.Spec.Kind);
            PipelineMetrics.TaskDuration.Record(clock.Elapsed.TotalSeconds, tags);
            PipelineMetrics.ItemsDone.Add(outcome.Rows, tags);
            PipelineMetrics.ItemsFailed.Add(outcome.Failures, tags);
            if (clock.Elapsed.TotalSeconds > 0) PipelineMetrics.ItemsPerSecond.Record((outcome.Rows + outcome.Failures) / clock.Elapsed.TotalSeconds, tags);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw; // the silo stops: the lease returns when the cluster declares it dead, or when it expires
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("job {JobId} task {Task}: lease lost, abandoning the attempt", lease.JobId, lease.Task);
        }
        catch (Exception e)
        {
            logger.LogError(e, "job {JobId} task {Task}: attempt {Attempt} failed", lease.JobId, lease.Task, lease.Attempt);
            PipelineMetrics.AttemptFailures.Add(1, new KeyValuePair<string, object?>("kind", lease.Spec.Kind));
            await job.FailTaskAsync(lease.Task, lease.LeaseId, $"{e.GetType().Name}: {e.Message}", stoppingToken);
        }
        finally
        {
            await run.CancelAsync();
            await heartbeat;
        }
    }

    private async Task RenewWhileRunningAsync(IJobGrain job, TaskLease lease, CancellationTokenSource run)
    {
        var period = (lease.ExpiresAt - time.GetUtcNow()) / 3;
        if (period <= TimeSpan.Zero) period = TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                bool held;
                try
                {
                    held = await job.RenewLeaseAsync(lease.Task, lease.LeaseId, run.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The job grain may be moving to another silo; keep working and try again at the next tick.
                    logger.LogWarning("job {JobId} task {Task}: lease renewal failed: {Error}", lease.JobId, lease.Task, e.Message);
                    continue;
                }
                if (!held)
                {
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run finished or was cancelled
        }
    }
}
