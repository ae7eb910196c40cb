namespace Pipeline.Contracts.Jobs;

/// <summary>
/// One embed job, keyed by job id. Plans shards at submit and hands them to workers under leases; never runs the
/// work itself. Submitting the same id again resumes; it never duplicates.
/// </summary>
[Alias("pipeline.IJobGrain")]
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Validates, lists the corpus, plans shards, persists, and returns at once.</summary>
    [Alias("Submit")]
    Task<SubmitResult> SubmitAsync(EmbedJobSpec spec, CancellationToken cancellationToken = default);

    [Alias("GetStatus")]
    Task<JobStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The next pending shard under a fresh lease, or null when none is waiting.</summary>
    [Alias("LeaseShard")]
    Task<ShardLease?> LeaseShardAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease; false when the lease is no longer this worker's (it expired and moved on).</summary>
    [Alias("RenewLease")]
    Task<bool> RenewLeaseAsync(int shard, Guid leaseId, CancellationToken cancellationToken = default);

    /// <summary>The shard's outputs and marker are committed.</summary>
    [Alias("CompleteShard")]
    Task CompleteShardAsync(int shard, Guid leaseId, ShardOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>The attempt failed as a whole; the shard goes back to the queue until it has failed too often.</summary>
    [Alias("FailShard")]
    Task FailShardAsync(int shard, Guid leaseId, string error, CancellationToken cancellationToken = default);
}
