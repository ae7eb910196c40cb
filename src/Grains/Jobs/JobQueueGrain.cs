using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>Keeps the ids of jobs with shards left, in submit order, so workers know where to ask for leases.</summary>
public sealed class JobQueueGrain(
    [PersistentState("queue", GrainStorageNames.Jobs)] IPersistentState<JobQueueState> queue) : Grain, IJobQueueGrain
{
    public async Task EnqueueAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (queue.State.ActiveJobs.Contains(jobId)) return;
        queue.State.ActiveJobs.Add(jobId);
        await queue.WriteStateAsync(cancellationToken);
    }

    public async Task RemoveAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (queue.State.ActiveJobs.Remove(jobId)) await queue.WriteStateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> GetActiveJobsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. queue.State.ActiveJobs]);
}
