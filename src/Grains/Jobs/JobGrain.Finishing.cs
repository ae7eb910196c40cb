using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// Finalisation (every task committed or given up on: manifest from the markers, <c>_SUCCESS</c>, losing attempts'
/// leftovers swept), the periodic checkpoint, and <c>pipeline retry</c>.
/// </summary>
public sealed partial class JobGrain
{
    private bool finishing;

    private void MaybeFinish()
    {
        if (!ready || finishing || !job.State.PlanningDone || job.State.State != JobState.Running || table.Pending > 0 || table.Running > 0) return;
        finishing = true;
        _ = FinishAsync(stopping.Token);
    }

    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        try
        {
            var store = Output;
            var superseded = new TaskBitmap(job.State.Superseded);
            var done = Enumerable.Range(0, table.Count).Where(t => table.StatusOf(t) == TaskState.Done).ToList();
            var failed = table.FailedTasks().ToList();
            var (id, spec) = (JobId, job.State.Spec!); // grain state is off limits on the thread pool
            var kind = kinds.For(spec);
            var (manifest, missing) = await Task.Run(() => outputs.FinalizeAsync(store, id, spec.Kind, done, failed, superseded,
                (m, ct) => kind.FinishAsync(new Kinds.FinishContext(id, spec, store, m), ct), cancellationToken), cancellationToken);
            if (manifest is null)
            {
                // A completion was reported for tasks that have no marker: run them again.
                logger.LogWarning("job {JobId}: tasks {Tasks} were reported done but have no marker; running them again", JobId, string.Join(", ", missing));
                foreach (int task in missing) table.Reopen(task);
                finishing = false;
                PublishQueueDepth();
                return;
            }
            job.State.State = Enum.Parse<JobState>(manifest.State, ignoreCase: true);
            job.State.FinishedAt = manifest.FinishedAt;
            await WriteCheckpointAsync(cancellationToken);
            await StopRunningAsync(cancellationToken);
            keepAlive?.Dispose();
            keepAlive = null;
            logger.LogInformation("job {JobId}: {State}, {Rows} rows, {Failures} failures", JobId, manifest.State, manifest.TotalRows, manifest.TotalFailures);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // deactivating: the next activation finishes
        }
        catch (Exception e)
        {
            // Storage trouble: try again on the next change or reclaim tick rather than fail a job whose work is done.
            logger.LogWarning(e, "job {JobId}: finalisation failed; will retry", JobId);
            this.RegisterGrainTimer(() => { finishing = false; MaybeFinish(); return Task.CompletedTask; },
                new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan));
            return;
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (dirty && ready && job.State.State is JobState.Planning or JobState.Running) await WriteCheckpointAsync(cancellationToken);
    }

    /// <summary>Persists the done set and the totals that belong to it: a few KB, whatever the number of leases.</summary>
    private async Task WriteCheckpointAsync(CancellationToken cancellationToken)
    {
        if (ready)
        {
            (job.State.CheckpointDoneBelow, job.State.CheckpointDone) = table.DoneSet();
            job.State.CheckpointRows = table.Rows;
            job.State.CheckpointFailures = table.SampleFailures;
            job.State.Retries = table.Retries;
            job.State.CheckpointDoneTasks = table.Done;
            job.State.CheckpointFailedTasks = table.Failed;
            job.State.CheckpointFailedTaskItems = table.FailedTaskItems;
            job.State.CheckpointItems = table.Items;
        }
        dirty = false;
        await job.WriteStateAsync(cancellationToken);
    }

    public async Task<SubmitResult> RetryAsync(CancellationToken cancellationToken = default)
    {
        if (job.State.Spec is null) return SubmitResult.Refused(JobId, $"no job '{JobId}' was submitted");
        if (job.State.State is JobState.Planning or JobState.Running)
            return SubmitResult.Refused(JobId, $"job '{JobId}' is still {job.State.State.ToString().ToLowerInvariant()}: retry it once it has finished.");
        if (job.State.State is JobState.Succeeded) return Accepted();
        if (IsResumable)
        {
            await ResumeAsync(cancellationToken);
            return Accepted();
        }
        if (!ready)
        {
            // An activation that adopted a finished job, or one rebuilt after a deactivation: take the table from storage.
            await RecoverAsync(cancellationToken);
            ready = true;
        }
        var store = Output;
        foreach (int task in table.FailedTasks().ToList())
        {
            await outputs.DeleteTaskFailureAsync(store, task, cancellationToken);
            table.Requeue(task);
        }
        // Failure records of committed tasks are re-planned into new tasks; those records stop counting as failures.
        var withFailures = await outputs.MarkersWithFailuresAsync(store, JobId, cancellationToken);
        var superseded = new TaskBitmap(job.State.Superseded);
        var spec = job.State.Spec!;
        // Only the shards whose failures the kind will re-plan stop counting their failures.
        var fresh = await kinds.For(spec).SelectRetryableAsync(new Kinds.PlanContext(JobId, spec, store, table.Count),
            [.. withFailures.Where(m => !superseded[m.Shard])], cancellationToken);
        table.Supersede(fresh.Sum(m => (long)m.Failures));
        job.State.Superseded = TaskBitmap.Of(Enumerable.Range(0, table.Count).Where(t => superseded[t]).Concat(fresh.Select(m => m.Shard)), table.Count);
        job.State.RetryPlanned = TaskBitmap.Of(fresh.Select(m => m.Shard), table.Count);
        job.State.RetryGeneration++;
        job.State.RetryFirstTask = table.Count;
        job.State.PlanningDone = false;
        job.State.State = JobState.Planning;
        job.State.Error = null;
        job.State.FinishedAt = null;
        lastTaskError = null;
        finishing = false;
        await outputs.DeleteSuccessAsync(store, cancellationToken);
        await WriteCheckpointAsync(cancellationToken);
        await KeepRunningAsync(cancellationToken);
        stopping = new CancellationTokenSource();
        keepAlive ??= this.RegisterGrainTimer(_ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        driver = RetryPlanAsync(stopping.Token);
        logger.LogInformation("job {JobId}: retry {Generation}: {Tasks} failed tasks requeued, {Shards} tasks' failed samples re-planned",
            JobId, job.State.RetryGeneration, table.Pending, fresh.Count);
        return Accepted();
    }

    private async Task RetryPlanAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PlanAsync(cancellationToken);
            MaybeFinish();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "job {JobId}: retry planning failed", JobId);
            await FailJobAsync($"retry planning failed: {e.Message}");
        }
    }
}
