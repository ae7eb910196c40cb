namespace Pipeline.Contracts.Jobs;

/// <summary>
/// The cluster's list of jobs (key "default"): the active ones in the order workers should serve them (priority, then
/// submission order), and recent ones for <c>pipeline jobs</c>. Written on submit and on finish only, never per task.
/// </summary>
[Alias("pipeline.IJobQueueGrain")]
public interface IJobQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task EnqueueAsync(JobEntry job, CancellationToken cancellationToken = default);

    /// <summary>The job has no more work for workers (finished, failed or cancelled); it stays listed as recent.</summary>
    [Alias("Deactivate")]
    Task DeactivateAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Active jobs, highest priority first, then oldest first.</summary>
    [Alias("GetActiveJobs")]
    Task<IReadOnlyList<JobEntry>> GetActiveJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every job the cluster remembers (active and recent), newest first.</summary>
    [Alias("ListJobs")]
    Task<IReadOnlyList<JobEntry>> ListJobsAsync(CancellationToken cancellationToken = default);
}
