using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// The cluster's job list: active jobs in the order workers serve them (priority, then submission), and the last
/// <see cref="RecentLimit"/> finished ones. Written when a job is submitted or ends, never per task.
/// </summary>
public sealed class JobQueueGrain(
    [PersistentState("queue", GrainStorageNames.Jobs)] IPersistentState<JobQueueState> queue) : Grain, IJobQueueGrain
{
    public const int RecentLimit = 200;

    public async Task EnqueueAsync(JobEntry job, CancellationToken cancellationToken = default)
    {
        int existing = queue.State.Jobs.FindIndex(j => j.JobId == job.JobId);
        var entry = job with { Active = true };
        if (existing >= 0)
        {
            if (queue.State.Jobs[existing] == entry) return;
            entry = entry with { SubmittedAt = queue.State.Jobs[existing].SubmittedAt };
            queue.State.Jobs[existing] = entry;
        }
        else
        {
            queue.State.Jobs.Add(entry);
        }
        await queue.WriteStateAsync(cancellationToken);
    }

    public async Task DeactivateAsync(string jobId, CancellationToken cancellationToken = default)
    {
        int existing = queue.State.Jobs.FindIndex(j => j.JobId == jobId);
        if (existing < 0 || !queue.State.Jobs[existing].Active) return;
        queue.State.Jobs[existing] = queue.State.Jobs[existing] with { Active = false };
        var finished = queue.State.Jobs.Where(j => !j.Active).OrderBy(j => j.SubmittedAt).ToList();
        foreach (var old in finished.Take(Math.Max(0, finished.Count - RecentLimit))) queue.State.Jobs.Remove(old);
        await queue.WriteStateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<JobEntry>> GetActiveJobsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobEntry>>([.. queue.State.Jobs.Where(j => j.Active)
            .OrderByDescending(j => j.Priority).ThenBy(j => j.SubmittedAt).ThenBy(j => j.JobId, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<JobEntry>> ListJobsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobEntry>>([.. queue.State.Jobs.OrderByDescending(j => j.SubmittedAt)]);
}
