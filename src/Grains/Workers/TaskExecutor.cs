using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Workers;

/// <summary>
/// The commit protocol around any kind's runner (DESIGN.md step 5): a task that already has a marker is only published
/// (a crash between marker and publish is finished by whoever comes next); otherwise the runner stages its files
/// under the attempt's names, the attempt races for the write-once marker, and only the winner's files are published
/// under the final names. Losing attempts remove their staged files.
/// </summary>
public sealed class TaskExecutor(IObjectStoreFactory stores, TimeProvider time, ILogger<TaskExecutor> logger)
{
    public async Task<TaskOutcome> RunAsync(TaskLease lease, WorkerSlot slot, ITaskRunner runner, CancellationToken cancellationToken)
    {
        var output = stores.Open(StorageLocation.Parse(lease.Spec.Output));
        if (await OutputJson.ReadIfPresentAsync<ShardMarker>(output, OutputLayout.Marker(lease.Task), cancellationToken) is { } committed)
        {
            await ShardPublisher.PublishAsync(output, committed, cancellationToken);
            return Outcome(committed);
        }

        var payload = await PlanWriter.ReadAsync(output, lease.Task, cancellationToken);
        var commit = new ShardCommit(output, lease.Task, lease.LeaseId.ToString("N"));
        try
        {
            var result = await runner.RunAsync(new TaskContext(lease, slot, output, payload, commit), cancellationToken);
            var marker = new ShardMarker
            {
                JobId = lease.JobId,
                Shard = lease.Task,
                Attempt = commit.AttemptId,
                Rows = result.Rows,
                Failures = result.Failures,
                EmbeddingDim = result.EmbeddingDim,
                Dtype = result.Dtype,
                Files = commit.StagedFiles,
                Worker = slot.WorkerId,
                CommittedAt = time.GetUtcNow(),
            };
            var outcome = await commit.CommitAsync(marker, cancellationToken);
            if (!outcome.Won)
                logger.LogInformation("job {JobId} task {Task}: another attempt committed first; keeping its output", lease.JobId, lease.Task);
            return Outcome(outcome.Marker);
        }
        catch
        {
            try
            {
                await commit.AbandonAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning("job {JobId} task {Task}: could not remove the attempt's staged files (swept at the end): {Error}",
                    lease.JobId, lease.Task, e.Message);
            }
            throw;
        }
    }

    private static TaskOutcome Outcome(ShardMarker marker) => new() { Rows = marker.Rows, Failures = marker.Failures };
}
