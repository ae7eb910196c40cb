using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>Shard leases: hand out, renew, complete, fail; expired leases return their shard to the queue.</summary>
public sealed partial class JobGrain
{
    public async Task<ShardLease?> LeaseShardAsync(string workerId, CancellationToken cancellationToken = default)
    {
        if (job.State.State != JobState.Running || job.State.Spec is not { } spec) return null;
        bool changed = ReclaimExpiredLeases(spec);
        var shard = job.State.Shards.FirstOrDefault(s => s.Status == ShardStatus.Pending);
        if (shard is null)
        {
            if (changed) await SaveAndMaybeFinishAsync(cancellationToken);
            return null;
        }

        shard.Status = ShardStatus.Leased;
        shard.LeaseId = Guid.NewGuid();
        shard.LeaseExpiresAt = time.GetUtcNow() + options.Value.LeaseDuration;
        shard.WorkerId = workerId;
        shard.Attempts++;
        await job.WriteStateAsync(cancellationToken);
        return new ShardLease
        {
            JobId = JobId,
            Shard = shard.Index,
            LeaseId = shard.LeaseId,
            ExpiresAt = shard.LeaseExpiresAt,
            Spec = spec,
            PlanKey = Storage.Commit.OutputLayout.Plan(shard.Index),
            Attempt = shard.Attempts,
        };
    }

    public async Task<bool> RenewLeaseAsync(int shard, Guid leaseId, CancellationToken cancellationToken = default)
    {
        if (!TryGetLeased(shard, leaseId, out var state)) return false;
        state.LeaseExpiresAt = time.GetUtcNow() + options.Value.LeaseDuration;
        await job.WriteStateAsync(cancellationToken);
        return true;
    }

    public async Task CompleteShardAsync(int shard, Guid leaseId, ShardOutcome outcome, CancellationToken cancellationToken = default)
    {
        // The marker is write-once, so whoever reports a committed shard is right, even with an expired lease.
        if (shard < 0 || shard >= job.State.Shards.Count) return;
        var state = job.State.Shards[shard];
        if (state.Status == ShardStatus.Done) return;
        state.Status = ShardStatus.Done;
        state.Rows = outcome.Rows;
        state.Failures = outcome.Failures;
        state.LastError = null;
        await SaveAndMaybeFinishAsync(cancellationToken);
    }

    public async Task FailShardAsync(int shard, Guid leaseId, string error, CancellationToken cancellationToken = default)
    {
        if (!TryGetLeased(shard, leaseId, out var state) || job.State.Spec is not { } spec) return;
        state.LastError = error;
        state.Status = state.Attempts >= spec.MaxShardAttempts ? ShardStatus.Failed : ShardStatus.Pending;
        await SaveAndMaybeFinishAsync(cancellationToken);
    }

    private bool TryGetLeased(int shard, Guid leaseId, out ShardState state)
    {
        state = null!;
        if (shard < 0 || shard >= job.State.Shards.Count) return false;
        state = job.State.Shards[shard];
        return state.Status == ShardStatus.Leased && state.LeaseId == leaseId;
    }

    private bool ReclaimExpiredLeases(EmbedJobSpec spec)
    {
        var now = time.GetUtcNow();
        bool changed = false;
        foreach (var shard in job.State.Shards.Where(s => s.Status == ShardStatus.Leased && s.LeaseExpiresAt <= now))
        {
            shard.LastError = $"lease of worker {shard.WorkerId} expired (attempt {shard.Attempts})";
            shard.Status = shard.Attempts >= spec.MaxShardAttempts ? ShardStatus.Failed : ShardStatus.Pending;
            changed = true;
        }
        return changed;
    }

    private async Task SaveAndMaybeFinishAsync(CancellationToken cancellationToken)
    {
        bool finished = job.State.State == JobState.Running &&
                        job.State.Shards.All(s => s.Status is ShardStatus.Done or ShardStatus.Failed);
        if (finished)
        {
            var manifest = await finalizer.FinalizeAsync(JobId, job.State, cancellationToken);
            job.State.State = Enum.Parse<JobState>(manifest.State, ignoreCase: true);
            job.State.FinishedAt = manifest.FinishedAt;
        }
        await job.WriteStateAsync(cancellationToken);
        if (finished) await GrainFactory.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).RemoveAsync(JobId, cancellationToken);
    }
}
