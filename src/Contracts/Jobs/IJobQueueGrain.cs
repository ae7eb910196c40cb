namespace Pipeline.Contracts.Jobs;

/// <summary>The ids of jobs that still have shards to run; workers ask it where to look for work. Key: "default".</summary>
[Alias("pipeline.IJobQueueGrain")]
public interface IJobQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default);

    [Alias("Remove")]
    Task RemoveAsync(string jobId, CancellationToken cancellationToken = default);

    [Alias("GetActiveJobs")]
    Task<IReadOnlyList<string>> GetActiveJobsAsync(CancellationToken cancellationToken = default);
}
