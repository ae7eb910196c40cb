using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// The activation's background driver: rebuild the task table from storage (recovery), then plan, streaming tasks
/// into the table as the kind's planner finds them, so workers start before the listing ends. Storage work runs on
/// the thread pool; only table updates run on the grain's scheduler, between awaits. No grain call awaits this.
/// </summary>
public sealed partial class JobGrain
{
    private IGrainTimer? keepAlive;

    private void StartDriver()
    {
        stopping.Cancel(); // whatever an earlier driver left running (a planning producer) stops
        stopping = new CancellationTokenSource();
        ready = false;
        keepAlive ??= this.RegisterGrainTimer(_ => Task.CompletedTask,
            new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true });
        driver = DriveAsync(stopping.Token);
    }

    private async Task DriveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RecoverAsync(cancellationToken);
            ready = true;
            PublishQueueDepth();
            if (!job.State.PlanningDone) await PlanAsync(cancellationToken);
            MaybeFinish();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // cancelled or deactivating
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException)
        {
            // Something the user must fix (the input, the model): the job fails with what to fix.
            logger.LogError(e, "job {JobId}: planning failed", JobId);
            await FailJobAsync(e.Message);
        }
        catch (Exception e)
        {
            // Storage trouble (an outage outlasting the retries): start over from storage in a while; nothing is lost.
            logger.LogWarning(e, "job {JobId}: recovery or planning interrupted; trying again in {Delay}", JobId, DriverRetryDelay);
            driver = null;
            this.RegisterGrainTimer(() =>
            {
                if (driver is null && job.State.State is JobState.Planning or JobState.Running) StartDriver();
                return Task.CompletedTask;
            }, new GrainTimerCreationOptions(DriverRetryDelay, Timeout.InfiniteTimeSpan));
        }
    }

    private static readonly TimeSpan DriverRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Rebuilds the task table: the markers in storage say which tasks are done or failed; the checkpoint gives the
    /// totals of the done tasks it covers, so only markers written since it are read. Markers found here may belong to
    /// an attempt that crashed before publishing its files, so they are published (idempotently) first.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var state = job.State;
        var store = Output;
        var listing = await Task.Run(() => outputs.ListMarkersAsync(store, cancellationToken), cancellationToken);
        var checkpointed = new TaskBitmap(state.CheckpointDone, state.CheckpointDoneBelow);
        var unread = listing.Done.Where(t => !checkpointed[t]).ToList();
        var fresh = await Task.Run(() => outputs.ReadAndPublishMarkersAsync(store, unread, cancellationToken), cancellationToken);
        var failures = await Task.Run(() => outputs.ReadTaskFailuresAsync(store, listing.Failed, cancellationToken), cancellationToken);

        table = new TaskTable();
        table.RestoreTotals(state.CheckpointRows + fresh.Sum(m => (long)m.Rows), state.CheckpointFailures + fresh.Sum(m => (long)m.Failures), state.Retries);
        recoveredDone = listing.Done;
        recoveredFailures = failures;
        int known = state.PlanningDone ? state.PlannedTasks : state.RetryGeneration > 0 ? state.RetryFirstTask : 0;
        for (int task = 0; task < known; task++) AddPlanned(0);
        if (known > 0) table.RestoreItems(state.PlannedItems);
        logger.LogInformation("job {JobId}: recovered {Done} done and {Failed} failed tasks of {Known} known ({Read} markers read)",
            JobId, table.Done, table.Failed, known, fresh.Count);
    }

    private HashSet<int> recoveredDone = [];
    private IReadOnlyDictionary<int, TaskFailureRecord> recoveredFailures = new Dictionary<int, TaskFailureRecord>();

    /// <summary>Adds the next planned task, done or failed when storage already says so.</summary>
    private void AddPlanned(long items)
    {
        int task = table.Count;
        if (recoveredDone.Contains(task)) table.Add(items, TaskState.Done);
        else if (recoveredFailures.TryGetValue(task, out var failure)) table.Add(Math.Max(items, failure.Items), TaskState.Failed);
        else table.Add(items);
    }

    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        var spec = job.State.Spec!;
        var kind = kinds.For(spec);
        var store = Output;
        int first = table.Count;
        bool retry = job.State.RetryGeneration > 0;
        var context = new PlanContext(JobId, spec, store, first);
        var replanned = new TaskBitmap(job.State.RetryPlanned);
        IReadOnlyList<ShardMarker> withFailures = retry
            ? [.. (await Task.Run(() => outputs.MarkersWithFailuresAsync(store, context.JobId, cancellationToken), cancellationToken)).Where(m => replanned[m.Shard])]
            : [];
        var planned = Channel.CreateBounded<long>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                var tasks = retry ? kind.PlanRetryAsync(context, withFailures, cancellationToken) : kind.PlanAsync(context, cancellationToken);
                await outputs.WritePlanAsync(store, tasks, first, options.Value.PlanWriteConcurrency, planned.Writer, cancellationToken);
            }
            finally
            {
                planned.Writer.TryComplete();
            }
        }, cancellationToken);

        await foreach (var items in planned.Reader.ReadAllAsync(cancellationToken))
        {
            AddPlanned(items);
            job.State.PlannedTasks = table.Count;
            dirty = true;
            PublishQueueDepth();
        }
        await producer;

        job.State.PlanningDone = true;
        job.State.PlannedTasks = table.Count;
        job.State.PlannedItems = table.Items;
        job.State.State = JobState.Running;
        var (taskCount, itemCount) = (table.Count, table.Items);
        await Task.Run(() => outputs.WritePlanCompleteAsync(store, taskCount, itemCount, cancellationToken), cancellationToken);
        await WriteCheckpointAsync(cancellationToken);
        logger.LogInformation("job {JobId}: planned {Tasks} tasks, {Items} items", JobId, table.Count, table.Items);
    }

    private async Task FailJobAsync(string error)
    {
        job.State.State = JobState.Failed;
        job.State.Error = error;
        job.State.FinishedAt = time.GetUtcNow();
        table.DropOpenWork();
        try
        {
            await WriteCheckpointAsync(CancellationToken.None);
            await StopRunningAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "job {JobId}: could not record its failure", JobId);
        }
    }
}
