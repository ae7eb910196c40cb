using System.Text;
using System.Threading.Channels;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// Writes a planner's tasks to <c>_plan/shard_&lt;n&gt;.txt</c>, several at once, and reports each task (its item count) in
/// order once its file exists, so a task is never leased before its plan is readable. Plan files are write-once: a
/// planning that restarts after a failover finds its earlier files and checks that the input still lists the same.
/// </summary>
public static class PlanWriter
{
    public static async Task WriteAsync(IObjectStore store, IAsyncEnumerable<PlannedTask> tasks, int first, int concurrency,
        ChannelWriter<long> planned, CancellationToken cancellationToken)
    {
        var window = new Queue<(Task Write, long Items)>();
        int index = first;
        await foreach (var task in tasks.WithCancellation(cancellationToken))
        {
            if (window.Count >= concurrency) await ReportOldestAsync(window, planned, cancellationToken);
            window.Enqueue((WriteOneAsync(store, index++, task.Payload, cancellationToken), task.Items));
        }
        while (window.Count > 0) await ReportOldestAsync(window, planned, cancellationToken);
    }

    public static Task WriteCompleteAsync(IObjectStore store, int tasks, long items, CancellationToken cancellationToken) =>
        store.WriteAsync(OutputLayout.PlanComplete, OutputJson.Serialize(new PlanComplete(tasks, items)), cancellationToken);

    public static Task<byte[]> ReadAsync(IObjectStore store, int task, CancellationToken cancellationToken) =>
        store.ReadAllBytesAsync(OutputLayout.Plan(task), cancellationToken);

    private static async Task ReportOldestAsync(Queue<(Task Write, long Items)> window, ChannelWriter<long> planned, CancellationToken cancellationToken)
    {
        var (write, items) = window.Dequeue();
        await write;
        await planned.WriteAsync(items, cancellationToken);
    }

    private static async Task WriteOneAsync(IObjectStore store, int index, byte[] payload, CancellationToken cancellationToken)
    {
        var key = OutputLayout.Plan(index);
        if (await store.TryCreateAsync(key, payload, cancellationToken)) return;
        var existing = await store.ReadAllBytesAsync(key, cancellationToken);
        if (!existing.AsSpan().SequenceEqual(payload))
            throw new InvalidDataException(
                $"the input changed while the job was planning: {key} lists other items than the input lists now " +
                $"({Encoding.UTF8.GetString(existing.AsSpan(0, Math.Min(existing.Length, 80)))}...). Submit a new job (new --job-id and --output).");
    }

    /// <summary><c>_plan/_complete.json</c>: planning listed everything.</summary>
    public sealed record PlanComplete(int Tasks, long Items);
}
