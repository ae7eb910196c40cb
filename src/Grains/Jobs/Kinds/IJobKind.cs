using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>
/// A kind of job (embed, index, generate): its spec type, the checks at submit, its planner (input -> tasks) and its
/// task runner (a task -> staged files + an outcome). The job grain, the workers and the CLI know kinds only through
/// this seam; a new kind is a new implementation registered with <see cref="JobKindServiceCollectionExtensions.AddJobKind{TKind}"/>.
/// </summary>
public interface IJobKind
{
    /// <summary>The name <see cref="JobSpec.Kind"/> gives.</summary>
    string Name { get; }

    Type SpecType { get; }

    /// <summary>
    /// Quick checks that need storage or a registry (the model exists, the input can be read), run inside the submit
    /// call: no listing, no downloads of large files. Returns what to fix, or null when the spec is admitted.
    /// </summary>
    Task<string?> AdmitAsync(string jobId, JobSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Background planning: writes the kind's <c>job.json</c> and yields the tasks in order, streaming, so workers start
    /// on the first tasks before the listing ends. An exception whose message a user can act on fails the job with it.
    /// </summary>
    IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Tasks that rerun the failed samples of committed tasks (<c>pipeline retry</c>); their outputs take new task
    /// numbers starting at <see cref="PlanContext.FirstTask"/>. Kinds without sample failures yield nothing.
    /// </summary>
    IAsyncEnumerable<PlannedTask> PlanRetryAsync(PlanContext context, IReadOnlyList<ShardMarker> withFailures, CancellationToken cancellationToken);

    /// <summary>
    /// Of the committed tasks with failure records, those whose failures <see cref="PlanRetryAsync"/> will re-plan (their
    /// records then stop counting as failures); the others keep their failures standing.
    /// </summary>
    Task<IReadOnlyList<ShardMarker>> SelectRetryableAsync(PlanContext context, IReadOnlyList<ShardMarker> withFailures, CancellationToken cancellationToken);

    /// <summary>
    /// The kind's closing step once every task has committed or been given up on: files that sum up the whole job (an
    /// index's <c>index.json</c>). Runs after <c>manifest.json</c> and before <c>_SUCCESS</c>, and again if finalisation
    /// is retried, so it must be idempotent. Most kinds have none.
    /// </summary>
    Task FinishAsync(FinishContext context, CancellationToken cancellationToken);

    /// <summary>The runner of one worker slot (it may hold a model loaded between tasks).</summary>
    ITaskRunner CreateRunner(WorkerSlot slot);
}
