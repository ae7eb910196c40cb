namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>
/// Runs one task of a kind on a worker slot: reads its payload, does the work, and stages its output files under the
/// attempt's names through <see cref="TaskContext.Commit"/>. The machinery then races for the marker and publishes.
/// Runs on the worker's own threads, never on a grain scheduler.
/// </summary>
public interface ITaskRunner : IDisposable
{
    Task<TaskResult> RunAsync(TaskContext context, CancellationToken cancellationToken);
}
