using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Telemetry;
using Pipeline.Storage;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// One job of any kind. Submit admits the spec, persists it and returns; planning, recovery and finalisation run in
/// the background of the activation (JobGrain.Planning.cs, JobGrain.Finishing.cs) and workers lease tasks from it as
/// they appear (JobGrain.Leasing.cs). The durable truth is in storage (the plan and the commit markers); the grain
/// persists only the spec, job-level transitions and a periodic checkpoint, never per lease.
/// </summary>
public sealed partial class JobGrain(
    [PersistentState("job", GrainStorageNames.Jobs)] IPersistentState<JobGrainState> job,
    JobKinds kinds,
    JobOutputs outputs,
    IClusterMembershipService membership,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string KeepAliveReminder = "keep-alive";
    private TaskTable table = new();
    private CancellationTokenSource stopping = new();
    private Task? driver;
    private string? lastTaskError;
    private bool ready;
    private bool dirty;

    private string jobId = "";

    /// <summary>Kept in a field: background work reads it on thread-pool threads, where activation services are off limits.</summary>
    private string JobId => jobId;

    private IObjectStore Output => outputs.Open(job.State.Spec!);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        jobId = this.GetPrimaryKeyString();
        this.RegisterGrainTimer(ReclaimLeasesAsync, new GrainTimerCreationOptions(options.Value.ReclaimInterval, options.Value.ReclaimInterval));
        this.RegisterGrainTimer(CheckpointAsync, new GrainTimerCreationOptions(options.Value.CheckpointInterval, options.Value.CheckpointInterval));
        if (job.State.State is JobState.Planning or JobState.Running) StartDriver();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        PipelineMetrics.ForgetJob(JobId);
        if (dirty && job.State.State is JobState.Planning or JobState.Running)
        {
            try
            {
                await WriteCheckpointAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "job {JobId}: checkpoint at deactivation failed; the next activation rebuilds from the markers", JobId);
            }
        }
    }

    public async Task<SubmitResult> SubmitAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        var errors = spec.Validate(JobId);
        if (errors.Count > 0) return SubmitResult.Refused(JobId, string.Join(Environment.NewLine, errors));
        IJobKind kind;
        try
        {
            kind = kinds.For(spec);
        }
        catch (NotSupportedException e)
        {
            return SubmitResult.Refused(JobId, e.Message);
        }

        if (job.State.Spec is { } existing)
        {
            if (existing with { Priority = spec.Priority } != spec)
                return SubmitResult.Refused(JobId, $"Job '{JobId}' already exists with a different spec; pass a new --job-id to start another job.");
            bool reprioritised = existing.Priority != spec.Priority;
            if (reprioritised)
            {
                job.State.Spec = spec;
                await job.WriteStateAsync(cancellationToken);
            }
            if (IsResumable) await ResumeAsync(cancellationToken);
            else if (job.State.State is JobState.Planning or JobState.Running)
            {
                await KeepRunningAsync(cancellationToken);
                if (driver is null) StartDriver();
            }
            return Accepted();
        }

        string? refusal;
        try
        {
            refusal = await outputs.CheckOutputAsync(JobId, spec, cancellationToken) ?? await kind.AdmitAsync(JobId, spec, cancellationToken);
        }
        catch (ArgumentException e)
        {
            refusal = e.Message;
        }
        if (refusal is not null) return SubmitResult.Refused(JobId, refusal);

        job.State.Spec = spec;
        job.State.SubmittedAt = time.GetUtcNow();
        if (await outputs.ReadManifestAsync(JobId, spec, cancellationToken) is { } manifest)
        {
            // The output already holds this job's manifest (grain state was lost, e.g. a new embedded process):
            // adopt it; nothing is rewritten.
            AdoptFinished(manifest);
            await job.WriteStateAsync(cancellationToken);
            return Accepted();
        }

        job.State.State = JobState.Planning;
        await job.WriteStateAsync(cancellationToken);
        await KeepRunningAsync(cancellationToken);
        StartDriver();
        return Accepted();
    }

    public Task<JobStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Snapshot());

    public async Task<JobStatus> CancelAsync(CancellationToken cancellationToken = default)
    {
        if (job.State.State is not (JobState.Planning or JobState.Running)) return Snapshot();
        await stopping.CancelAsync();
        driver = null;
        table.DropOpenWork();
        job.State.State = JobState.Cancelled;
        job.State.FinishedAt = time.GetUtcNow();
        await WriteCheckpointAsync(cancellationToken);
        await StopRunningAsync(cancellationToken);
        logger.LogInformation("job {JobId}: cancelled", JobId);
        return Snapshot();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder only brings the grain back after its silo died, so planning and finalisation go on even when no
        // worker asks; activation does the rest.
        if (job.State.State is JobState.Planning or JobState.Running && driver is null) StartDriver();
        return Task.CompletedTask;
    }

    private SubmitResult Accepted() => new() { Accepted = true, Status = Snapshot() };

    /// <summary>A job that stopped before its work was done: cancelled, or failed while planning (its input or model since fixed).</summary>
    private bool IsResumable => job.State.State == JobState.Cancelled || (job.State.State == JobState.Failed && !job.State.PlanningDone);

    /// <summary>Continues a cancelled job, or plans a failed one again; the table is rebuilt from storage, committed shards stay.</summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        job.State.State = job.State.PlanningDone ? JobState.Running : JobState.Planning;
        job.State.FinishedAt = null;
        job.State.Error = null;
        lastTaskError = null;
        finishing = false;
        await job.WriteStateAsync(cancellationToken);
        await KeepRunningAsync(cancellationToken);
        StartDriver();
    }

    private async Task KeepRunningAsync(CancellationToken cancellationToken)
    {
        var spec = job.State.Spec!;
        await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await GrainFactory.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).EnqueueAsync(new JobEntry
        {
            JobId = JobId, Kind = spec.Kind, Priority = spec.Priority, SubmittedAt = job.State.SubmittedAt ?? time.GetUtcNow(), Output = spec.Output,
        }, cancellationToken);
    }

    private async Task StopRunningAsync(CancellationToken cancellationToken)
    {
        await GrainFactory.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).DeactivateAsync(JobId, cancellationToken);
        if (await this.GetReminder(KeepAliveReminder) is { } reminder) await this.UnregisterReminder(reminder);
        PipelineMetrics.ForgetJob(JobId);
    }

    private void AdoptFinished(Storage.Commit.JobManifest manifest)
    {
        foreach (var _ in manifest.Shards) table.Add(0, TaskState.Done);
        foreach (var failed in manifest.FailedShards) table.Add(failed.Images, TaskState.Failed);
        table.RestoreTotals(manifest.TotalRows, manifest.TotalFailures - manifest.FailedShards.Sum(f => (long)f.Images), 0);
        job.State.Superseded = TaskBitmap.Of(manifest.SupersededFailures, table.Count);
        job.State.RetryGeneration = manifest.SupersededFailures.Count > 0 ? 1 : 0;
        job.State.PlanningDone = true;
        job.State.PlannedTasks = table.Count;
        job.State.PlannedItems = manifest.TotalRows + manifest.TotalFailures;
        job.State.State = Enum.Parse<JobState>(manifest.State, ignoreCase: true);
        job.State.FinishedAt = manifest.FinishedAt;
    }

    private JobStatus Snapshot()
    {
        var state = job.State;
        // A live table while the job runs (or after it ended in this activation); the last checkpoint otherwise.
        bool live = ready || table.Count > 0 || state.State is JobState.Planning or JobState.Running;
        long done = live ? table.Rows : state.CheckpointRows;
        long failed = live ? table.SampleFailures + table.FailedTaskItems : state.CheckpointFailures + state.CheckpointFailedTaskItems;
        long items = live ? table.Items : state.CheckpointItems;
        var end = state.FinishedAt ?? time.GetUtcNow();
        double seconds = state.SubmittedAt is { } start ? (end - start).TotalSeconds : 0;
        return new JobStatus
        {
            JobId = JobId,
            Kind = state.Spec?.Kind,
            Priority = state.Spec?.Priority ?? 0,
            State = state.Spec is null ? JobState.Unknown : state.State,
            TotalTasks = ready || table.Count > 0 ? table.Count : state.PlannedTasks,
            PlanningDone = state.PlanningDone,
            CompletedTasks = live ? table.Done : state.CheckpointDoneTasks,
            FailedTasks = live ? table.Failed : state.CheckpointFailedTasks,
            RunningTasks = table.Running,
            TotalItems = state.PlanningDone ? Math.Max(state.PlannedItems, items) : items,
            DoneItems = done,
            FailedItems = failed,
            ItemsPerSecond = seconds > 0 ? (done + failed) / seconds : 0,
            Output = state.Spec?.Output,
            Error = state.Error ?? lastTaskError,
            SubmittedAt = state.SubmittedAt,
            FinishedAt = state.FinishedAt,
            Retries = live ? table.Retries : state.Retries,
        };
    }
}
