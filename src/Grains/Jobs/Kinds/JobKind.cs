using System.Runtime.CompilerServices;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>Typed base of a kind: casts the spec once so implementations see their own spec type.</summary>
public abstract class JobKind<TSpec> : IJobKind where TSpec : JobSpec
{
    public abstract string Name { get; }

    public Type SpecType => typeof(TSpec);

    public Task<string?> AdmitAsync(string jobId, JobSpec spec, CancellationToken cancellationToken) =>
        AdmitAsync(jobId, (TSpec)spec, cancellationToken);

    public IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, CancellationToken cancellationToken) =>
        PlanAsync(context, (TSpec)context.Spec, cancellationToken);

    public IAsyncEnumerable<PlannedTask> PlanRetryAsync(PlanContext context, IReadOnlyList<ShardMarker> withFailures, CancellationToken cancellationToken) =>
        PlanRetryAsync(context, (TSpec)context.Spec, withFailures, cancellationToken);

    public Task<IReadOnlyList<ShardMarker>> SelectRetryableAsync(PlanContext context, IReadOnlyList<ShardMarker> withFailures, CancellationToken cancellationToken) =>
        SelectRetryableAsync(context, (TSpec)context.Spec, withFailures, cancellationToken);

    public Task FinishAsync(FinishContext context, CancellationToken cancellationToken) =>
        FinishAsync(context, (TSpec)context.Spec, cancellationToken);

    public abstract ITaskRunner CreateRunner(WorkerSlot slot);

    /// <summary>By default a kind writes nothing of its own at the end.</summary>
    protected virtual Task FinishAsync(FinishContext context, TSpec spec, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>By default a kind re-plans no failures (it has no sample failures, or cannot rerun them).</summary>
    protected virtual Task<IReadOnlyList<ShardMarker>> SelectRetryableAsync(PlanContext context, TSpec spec, IReadOnlyList<ShardMarker> withFailures,
        CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ShardMarker>>([]);

    protected abstract Task<string?> AdmitAsync(string jobId, TSpec spec, CancellationToken cancellationToken);

    protected abstract IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, TSpec spec, CancellationToken cancellationToken);

    protected virtual async IAsyncEnumerable<PlannedTask> PlanRetryAsync(PlanContext context, TSpec spec, IReadOnlyList<ShardMarker> withFailures,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }
}
