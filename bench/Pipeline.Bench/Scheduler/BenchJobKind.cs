using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Grains.Jobs.Kinds;

namespace Pipeline.Bench.Scheduler;

/// <summary>A job kind whose planner yields <see cref="BenchJobSpec.Tasks"/> one-item tasks as fast as it can; its runner does nothing.</summary>
public sealed class BenchJobKind : JobKind<BenchJobSpec>
{
    public override string Name => "bench";

    public override ITaskRunner CreateRunner(WorkerSlot slot) => new NoopTaskRunner();

    protected override Task<string?> AdmitAsync(string jobId, BenchJobSpec spec, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    protected override async IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, BenchJobSpec spec,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        for (int i = 0; i < spec.Tasks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new PlannedTask(Encoding.ASCII.GetBytes($"item-{i}"), 1);
        }
    }

    /// <summary>Stages nothing and reports one row.</summary>
    public sealed class NoopTaskRunner : ITaskRunner
    {
        public Task<TaskResult> RunAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(new TaskResult(1, 0));

        public void Dispose()
        {
        }
    }
}
