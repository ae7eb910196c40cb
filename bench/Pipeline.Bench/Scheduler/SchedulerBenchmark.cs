using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Grains.Workers;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Bench.Scheduler;

/// <summary>
/// Lease + commit pairs per second for one job of N empty tasks on an in-process silo with no worker slots: simulated
/// workers (concurrent loops) lease a task, commit it, and report it done, as fast as the job grain lets them.
/// </summary>
public static class SchedulerBenchmark
{
    /// <summary>What a simulated worker does between lease and complete.</summary>
    public enum Commit
    {
        /// <summary>Nothing: the job grain alone.</summary>
        None,

        /// <summary>Creates the task's marker through <see cref="ShardCommit"/> (write-once) in a local folder.</summary>
        Marker,

        /// <summary>The real <see cref="TaskExecutor"/> around a runner that stages nothing: marker check, plan read, marker.</summary>
        Executor,
    }

    public sealed record Result(int Tasks, int Workers, Commit Commit, double FirstLeaseSeconds, double PlanningSeconds, double LastCompleteSeconds,
        double FinishedSeconds, JobState State, long EmptyLeases, long JobStateWrites, long JobStateBytes, long LargestJobWrite, long AllStateBytes)
    {
        public double PairsPerSecond => Tasks / (LastCompleteSeconds - FirstLeaseSeconds);
        public double BytesPerLease => (double)JobStateBytes / Tasks;
    }

    /// <param name="folder">Where the job's output (plan files, markers) goes: a disk folder, or <c>/dev/shm</c> to take fsync out.</param>
    /// <param name="idle">How long a worker waits after an empty lease (real workers: <c>IdlePollInterval</c>, 1 s).</param>
    /// <param name="afterPlanning">Workers start only once planning is done: leasing alone, without planning beside it.</param>
    public static async Task<Result> RunAsync(BenchSilo silo, int tasks, int workers, Commit commit, string folder, TimeSpan idle, bool afterPlanning,
        CancellationToken cancellationToken)
    {
        var root = Path.Combine(folder, $"pipeline-bench-sched-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            silo.Storage.Reset();
            var stores = silo.Services.GetRequiredService<IObjectStoreFactory>();
            var executor = new TaskExecutor(stores, TimeProvider.System, silo.Services.GetRequiredService<ILogger<TaskExecutor>>());
            var runner = new BenchJobKind.NoopTaskRunner();
            var spec = new BenchJobSpec { Output = root, Tasks = tasks };
            var output = stores.Open(StorageLocation.Parse(spec.Output));
            var jobId = $"sched-{tasks}-{commit}-{Guid.NewGuid():N}"[..40];
            var job = silo.Grains.GetGrain<IJobGrain>(jobId);

            long completed = 0, emptyLeases = 0, firstLeaseTicks = 0, lastCompleteTicks = 0;
            double planningSeconds = double.NaN;
            var watch = Stopwatch.StartNew();
            var submitted = await job.SubmitAsync(spec, cancellationToken);
            if (!submitted.Accepted) throw new InvalidOperationException(submitted.Error);

            async Task WorkerAsync(int index)
            {
                var worker = new WorkerInfo { WorkerId = $"bench-{index}", DeviceKind = "cpu" };
                var slot = new WorkerSlot(index, worker.WorkerId, "cpu", null);
                while (Interlocked.Read(ref completed) < tasks)
                {
                    var lease = await job.LeaseTaskAsync(worker, cancellationToken);
                    if (lease is null)
                    {
                        Interlocked.Increment(ref emptyLeases);
                        await Task.Delay(idle, cancellationToken);
                        continue;
                    }
                    Interlocked.CompareExchange(ref firstLeaseTicks, watch.ElapsedTicks, 0);
                    var outcome = new TaskOutcome { Rows = 1 };
                    switch (commit)
                    {
                        case Commit.Marker:
                            var attempt = new ShardCommit(output, lease.Task, lease.LeaseId.ToString("N"));
                            var result = await attempt.CommitAsync(new ShardMarker
                            {
                                JobId = lease.JobId, Shard = lease.Task, Attempt = attempt.AttemptId, Rows = 1, Failures = 0, Files = [],
                                Worker = worker.WorkerId, CommittedAt = DateTimeOffset.UtcNow,
                            }, cancellationToken);
                            outcome = new TaskOutcome { Rows = result.Marker.Rows, Failures = result.Marker.Failures };
                            break;
                        case Commit.Executor:
                            outcome = await executor.RunAsync(lease, slot, runner, cancellationToken);
                            break;
                    }
                    await job.CompleteTaskAsync(lease.Task, lease.LeaseId, outcome, cancellationToken);
                    if (Interlocked.Increment(ref completed) == tasks) Interlocked.Exchange(ref lastCompleteTicks, watch.ElapsedTicks);
                }
            }

            async Task WatchPlanningAsync()
            {
                while (true)
                {
                    if ((await job.GetStatusAsync(cancellationToken)).PlanningDone)
                    {
                        planningSeconds = watch.Elapsed.TotalSeconds;
                        return;
                    }
                    await Task.Delay(20, cancellationToken);
                }
            }

            var planning = WatchPlanningAsync();
            if (afterPlanning) await planning;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(() => WorkerAsync(i), cancellationToken)));
            await planning;
            // Without markers finalisation cannot succeed (it trusts only markers): stop the job instead of waiting.
            JobStatus status;
            while (!(status = await job.GetStatusAsync(cancellationToken)).IsFinal && commit != Commit.None && watch.Elapsed < TimeSpan.FromMinutes(2))
                await Task.Delay(20, cancellationToken);
            double finished = commit == Commit.None ? double.NaN : watch.Elapsed.TotalSeconds;
            if (!status.IsFinal) status = await job.CancelAsync(cancellationToken);

            double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
            var counters = silo.Storage.Counters;
            var jobCounter = counters.GetValueOrDefault("job") ?? new CountingGrainStorage.Counter();
            return new Result(tasks, workers, commit, Seconds(firstLeaseTicks), planningSeconds, Seconds(lastCompleteTicks), finished, status.State,
                emptyLeases, jobCounter.Writes, jobCounter.Bytes, jobCounter.LargestWrite, counters.Values.Sum(c => c.Bytes));
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static string Header =>
        $"{"tasks",8} {"workers",7} {"commit",-9} {"1st lease s",11} {"planned s",9} {"last done s",11} {"final s",8} {"pairs/s",9} " +
        $"{"state writes",12} {"state bytes",11} {"largest",8} {"B/lease",8} {"empty",7}  state";

    public static string Format(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Tasks,8} {r.Workers,7} {r.Commit,-9} {r.FirstLeaseSeconds,11:F3} {r.PlanningSeconds,9:F2} {r.LastCompleteSeconds,11:F2} {r.FinishedSeconds,8:F2} " +
        $"{r.PairsPerSecond,9:F0} {r.JobStateWrites,12} {r.JobStateBytes,11} {r.LargestJobWrite,8} {r.BytesPerLease,8:F2} {r.EmptyLeases,7}  {r.State}");
}
