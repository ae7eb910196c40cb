namespace Pipeline.Contracts.Jobs;

/// <summary>
/// One job of any kind, keyed by job id. Submit admits the spec and returns at once; planning runs in the background
/// and hands tasks to workers under leases as it finds them. The grain never runs the work itself, and no call awaits
/// long work. Submitting the same id again resumes; it never duplicates.
/// </summary>
[Alias("pipeline.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Validates and admits the spec, persists it, starts planning in the background, and returns.</summary>
    [Alias("Submit")]
    Task<SubmitResult> SubmitAsync(JobSpec spec, CancellationToken cancellationToken = default);

    [Alias("GetStatus")]
    Task<JobStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The next pending task under a fresh lease, or null when none is waiting for a worker like this one.</summary>
    [Alias("LeaseTask")]
    Task<TaskLease?> LeaseTaskAsync(WorkerInfo worker, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease; false when the lease is no longer this worker's (it expired and moved on, or the job ended).</summary>
    [Alias("RenewLease")]
    Task<bool> RenewLeaseAsync(int task, Guid leaseId, CancellationToken cancellationToken = default);

    /// <summary>The task's marker exists and its files are published.</summary>
    [Alias("CompleteTask")]
    Task CompleteTaskAsync(int task, Guid leaseId, TaskOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>The attempt failed as a whole; the task goes back to the queue until it has failed too often.</summary>
    [Alias("FailTask")]
    Task FailTaskAsync(int task, Guid leaseId, string error, CancellationToken cancellationToken = default);

    /// <summary>Stops handing out tasks; running attempts lose their leases at their next renewal. Committed output stays.</summary>
    [Alias("Cancel")]
    Task<JobStatus> CancelAsync(CancellationToken cancellationToken = default);

    /// <summary>Reruns the failed tasks and the failed samples of a finished job (nothing else is rewritten).</summary>
    [Alias("Retry")]
    Task<SubmitResult> RetryAsync(CancellationToken cancellationToken = default);
}
