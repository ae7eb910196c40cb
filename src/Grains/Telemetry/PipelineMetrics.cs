using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Pipeline.Grains.Telemetry;

/// <summary>
/// The "Pipeline" meter: items done, task latency, queue depth, retries and failures. Silos export it (with Polly's
/// "Polly" meter, where storage retries show) on their Prometheus endpoint.
/// </summary>
public static class PipelineMetrics
{
    public const string MeterName = "Pipeline";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, int> QueueDepths = new();

    /// <summary>Items (images, prompts) with an output row, by kind.</summary>
    public static readonly Counter<long> ItemsDone = Meter.CreateCounter<long>("pipeline.items.done", "{item}", "Items with an output row");

    /// <summary>Items with a failure record (unreadable, undecodable), by kind and stage.</summary>
    public static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>("pipeline.items.failed", "{item}", "Items with a failure record");

    public static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>("pipeline.task.duration", "s", "Wall time of one task attempt, lease to commit");

    /// <summary>Tasks handed out again (a lease expired, a worker's silo died, an attempt failed).</summary>
    public static readonly Counter<long> TaskRetries = Meter.CreateCounter<long>("pipeline.task.retries", "{task}", "Task attempts after the first");

    /// <summary>Tasks given up on after their last attempt, and attempts that failed.</summary>
    public static readonly Counter<long> TaskFailures = Meter.CreateCounter<long>("pipeline.task.failures", "{task}", "Tasks given up on");

    public static readonly Counter<long> AttemptFailures = Meter.CreateCounter<long>("pipeline.attempt.failures", "{attempt}", "Task attempts that failed");

    /// <summary>Items per second of the worker slots of this silo, over their last task.</summary>
    public static readonly Histogram<double> ItemsPerSecond = Meter.CreateHistogram<double>("pipeline.items.rate", "{item}/s", "Items per second of a task attempt");

    static PipelineMetrics()
    {
        Meter.CreateObservableGauge("pipeline.queue.depth", () => QueueDepths.Values.Sum(), "{task}",
            "Pending tasks of the jobs whose grains live on this silo");
    }

    public static void SetQueueDepth(string jobId, int pending) => QueueDepths[jobId] = pending;

    public static void ForgetJob(string jobId) => QueueDepths.TryRemove(jobId, out _);
}
