using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// One embed job. Submit plans and persists, then returns; workers lease shards from it (see JobGrain.Leasing.cs) and
/// it finalises the job when every shard is committed or given up on. It does no image or model work itself.
/// </summary>
public sealed partial class JobGrain(
    [PersistentState("job", GrainStorageNames.Jobs)] IPersistentState<JobGrainState> job,
    JobPlanner planner,
    JobFinalizer finalizer,
    IOptions<JobOptions> options,
    TimeProvider time) : Grain, IJobGrain
{
    private string JobId => this.GetPrimaryKeyString();

    public async Task<SubmitResult> SubmitAsync(EmbedJobSpec spec, CancellationToken cancellationToken = default)
    {
        var errors = EmbedJobSpecValidator.Validate(JobId, spec);
        if (errors.Count > 0) return SubmitResult.Refused(JobId, string.Join(Environment.NewLine, errors));

        if (job.State.Spec is not null)
        {
            if (job.State.Spec != spec)
                return SubmitResult.Refused(JobId,
                    $"Job '{JobId}' already exists with a different spec; pass a new --job-id to start another job.");
            if (job.State.State == JobState.Running) await EnqueueAsync(cancellationToken);
            return new SubmitResult { Accepted = true, Status = Snapshot() };
        }

        var plan = await planner.PlanAsync(JobId, spec, cancellationToken);
        if (plan.Error is not null) return SubmitResult.Refused(JobId, plan.Error);

        job.State.Spec = spec;
        job.State.TotalImages = plan.Images;
        job.State.StartedAt = time.GetUtcNow();
        job.State.Shards = [.. plan.ShardSizes.Select((count, index) => new ShardState { Index = index, Count = count })];
        if (plan.Completed is { } manifest)
        {
            // The output already holds this job's manifest (grain state was lost, e.g. a new embedded process):
            // adopt it; nothing is rewritten.
            AdoptCompleted(manifest);
            await job.WriteStateAsync(cancellationToken);
            return new SubmitResult { Accepted = true, Status = Snapshot() };
        }

        job.State.State = JobState.Running;
        await job.WriteStateAsync(cancellationToken);
        await EnqueueAsync(cancellationToken);
        return new SubmitResult { Accepted = true, Status = Snapshot() };
    }

    public Task<JobStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Snapshot());

    private Task EnqueueAsync(CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IJobQueueGrain>(JobQueueKeys.Default).EnqueueAsync(JobId, cancellationToken);

    private void AdoptCompleted(Storage.Commit.JobManifest manifest)
    {
        var markers = manifest.Shards.ToDictionary(m => m.Shard);
        var failed = manifest.FailedShards.ToDictionary(f => f.Shard);
        foreach (var shard in job.State.Shards)
        {
            if (markers.TryGetValue(shard.Index, out var marker))
            {
                shard.Status = ShardStatus.Done;
                shard.Rows = marker.Rows;
                shard.Failures = marker.Failures;
            }
            else if (failed.TryGetValue(shard.Index, out var failure))
            {
                shard.Status = ShardStatus.Failed;
                shard.LastError = failure.Error;
            }
        }
        job.State.State = Enum.Parse<JobState>(manifest.State, ignoreCase: true);
        job.State.FinishedAt = manifest.FinishedAt;
    }

    private JobStatus Snapshot()
    {
        var state = job.State;
        long embedded = state.Shards.Sum(s => (long)s.Rows);
        long failedImages = state.Shards.Sum(s => s.Status == ShardStatus.Failed ? s.Count : s.Failures);
        var end = state.FinishedAt ?? time.GetUtcNow();
        double seconds = state.StartedAt is { } start ? (end - start).TotalSeconds : 0;
        return new JobStatus
        {
            JobId = JobId,
            State = state.Spec is null ? JobState.Unknown : state.State,
            TotalShards = state.Shards.Count,
            CompletedShards = state.Shards.Count(s => s.Status == ShardStatus.Done),
            FailedShards = state.Shards.Count(s => s.Status == ShardStatus.Failed),
            RunningShards = state.Shards.Count(s => s.Status == ShardStatus.Leased),
            TotalImages = state.TotalImages,
            EmbeddedImages = embedded,
            FailedImages = failedImages,
            ImagesPerSecond = seconds > 0 ? (embedded + failedImages) / seconds : 0,
            Output = state.Spec?.Output,
            Error = state.Error ?? state.Shards.Where(s => s.Status == ShardStatus.Failed)
                .Select(s => $"shard {s.Index}: {s.LastError}").FirstOrDefault(),
            StartedAt = state.StartedAt,
            FinishedAt = state.FinishedAt,
        };
    }
}
