using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// A job grain's in-memory view of its tasks: pending (lowest number first), leased (with expiry and the worker's
/// silo), done or failed, and the running totals status needs. Every operation is O(log n) or better, so one job of
/// 100,000 tasks serves thousands of leases a second. It is soft state: a reactivated grain rebuilds it from the plan
/// and the commit markers in storage.
/// </summary>
public sealed class TaskTable
{
    private readonly List<TaskEntry> tasks = [];
    private readonly PriorityQueue<int, int> pending = new();
    private readonly Dictionary<int, LeaseEntry> leases = [];

    public int Count => tasks.Count;
    /// <summary>Tasks waiting for a worker (the heap may also hold stale entries of tasks that left the pending state).</summary>
    public int Pending { get; private set; }
    public int Running => leases.Count;
    public int Done { get; private set; }
    public int Failed { get; private set; }

    /// <summary>Items of planned tasks whose size is known, plus rows and failures of done tasks whose size was not.</summary>
    public long Items { get; private set; }
    public long Rows { get; private set; }
    public long SampleFailures { get; private set; }
    public long FailedTaskItems { get; private set; }
    public long Retries { get; private set; }

    public IReadOnlyCollection<KeyValuePair<int, LeaseEntry>> Leases => leases;

    public TaskState StatusOf(int task) => tasks[task].Status;

    public long ItemsOf(int task) => tasks[task].Items;

    public int AttemptsOf(int task) => tasks[task].Attempts;

    /// <summary>Adds the next task (number <see cref="Count"/>) as pending, or as already done/failed when storage says so.</summary>
    public int Add(long items, TaskState status = TaskState.Pending)
    {
        int index = tasks.Count;
        tasks.Add(new TaskEntry { Items = items, Status = status });
        if (items > 0) Items += items;
        if (status == TaskState.Pending) EnqueuePending(index);
        else if (status == TaskState.Done) Done++;
        else if (status == TaskState.Failed) { Failed++; FailedTaskItems += Math.Max(items, 0); }
        return index;
    }

    /// <summary>Restores the planned item count of tasks re-added without their sizes (after a failover).</summary>
    public void RestoreItems(long items) => Items = Math.Max(Items, items);

    /// <summary>Restores totals a checkpoint kept for tasks whose markers are not read again.</summary>
    public void RestoreTotals(long rows, long sampleFailures, long retries)
    {
        Rows += rows;
        SampleFailures += sampleFailures;
        Retries += retries;
    }

    public bool TryLease(WorkerInfo worker, DateTimeOffset expiresAt, out int task, out LeaseEntry lease)
    {
        lease = default;
        do
        {
            if (!pending.TryDequeue(out task, out _)) return false;
        }
        while (tasks[task].Status != TaskState.Pending);
        Pending--;
        var entry = tasks[task];
        entry.Attempts++;
        entry.Status = TaskState.Leased;
        if (entry.Attempts > 1) Retries++;
        tasks[task] = entry;
        lease = new LeaseEntry(Guid.NewGuid(), expiresAt, worker.WorkerId, worker.Silo, entry.Attempts);
        leases[task] = lease;
        return true;
    }

    public bool IsLeasedBy(int task, Guid leaseId) =>
        leases.TryGetValue(task, out var lease) && lease.LeaseId == leaseId;

    public void Renew(int task, DateTimeOffset expiresAt) => leases[task] = leases[task] with { ExpiresAt = expiresAt };

    /// <summary>
    /// A renewal from a worker this activation never leased to (the job grain moved to another silo while the task
    /// ran): the task is adopted as leased when it is still pending, so the attempt goes on instead of running twice.
    /// </summary>
    public bool TryAdopt(int task, Guid leaseId, DateTimeOffset expiresAt, string workerId)
    {
        if (task < 0 || task >= tasks.Count || tasks[task].Status != TaskState.Pending) return false;
        Pending--; // its heap entry goes stale and is skipped when dequeued
        var entry = tasks[task];
        entry.Attempts++;
        entry.Status = TaskState.Leased;
        tasks[task] = entry;
        leases[task] = new LeaseEntry(leaseId, expiresAt, workerId, null, entry.Attempts);
        return true;
    }

    /// <summary>Marks a task done (whoever reports a committed task is right: its marker is write-once). False if it already was.</summary>
    public bool Complete(int task, int rows, int failures)
    {
        if (task < 0 || task >= tasks.Count) return false;
        var entry = tasks[task];
        if (entry.Status is TaskState.Done) return false;
        if (entry.Status is TaskState.Pending) Pending--; // stale heap entry, skipped when dequeued
        if (entry.Status is TaskState.Failed) { Failed--; FailedTaskItems -= Math.Max(entry.Items, 0); }
        leases.Remove(task);
        if (entry.Items < 0) Items += rows + failures;
        entry.Status = TaskState.Done;
        tasks[task] = entry;
        Done++;
        Rows += rows;
        SampleFailures += failures;
        return true;
    }

    /// <summary>Ends a lease without success: back to pending, or failed when it has used its attempts.</summary>
    public TaskState Release(int task, int maxAttempts)
    {
        leases.Remove(task);
        var entry = tasks[task];
        if (entry.Attempts >= maxAttempts)
        {
            entry.Status = TaskState.Failed;
            Failed++;
            FailedTaskItems += Math.Max(entry.Items, 0);
        }
        else
        {
            entry.Status = TaskState.Pending;
            EnqueuePending(task);
        }
        tasks[task] = entry;
        return entry.Status;
    }

    /// <summary>A failed task becomes pending again with fresh attempts (<c>pipeline retry</c>).</summary>
    public void Requeue(int task)
    {
        var entry = tasks[task];
        if (entry.Status != TaskState.Failed) return;
        Failed--;
        FailedTaskItems -= Math.Max(entry.Items, 0);
        entry.Status = TaskState.Pending;
        entry.Attempts = 0;
        tasks[task] = entry;
        EnqueuePending(task);
    }

    /// <summary>A task counted done whose marker is missing goes back to pending (its completion report was wrong).</summary>
    public void Reopen(int task)
    {
        var entry = tasks[task];
        if (entry.Status != TaskState.Done) return;
        Done--;
        entry.Status = TaskState.Pending;
        tasks[task] = entry;
        EnqueuePending(task);
    }

    /// <summary>Failure records that a retry re-planned no longer count as standing failures.</summary>
    public void Supersede(long sampleFailures) => SampleFailures -= sampleFailures;

    /// <summary>Drops every pending task and lease (the job was cancelled; resuming rebuilds the table from storage).</summary>
    public void DropOpenWork()
    {
        leases.Clear();
        pending.Clear();
        Pending = 0;
    }

    /// <summary>
    /// The done tasks for the grain's checkpoint: every task below the returned number is done, and the bitmap holds
    /// the tasks from there on (see <see cref="TaskBitmap"/>).
    /// </summary>
    public (int Below, byte[] Bits) DoneSet()
    {
        int below = 0;
        while (below < tasks.Count && tasks[below].Status == TaskState.Done) below++;
        var bits = new byte[(tasks.Count - below + 7) / 8];
        for (int i = below; i < tasks.Count; i++)
            if (tasks[i].Status == TaskState.Done) bits[(i - below) >> 3] |= (byte)(1 << ((i - below) & 7));
        return (below, bits);
    }

    public IEnumerable<int> FailedTasks()
    {
        for (int i = 0; i < tasks.Count; i++)
            if (tasks[i].Status == TaskState.Failed) yield return i;
    }

    private void EnqueuePending(int task)
    {
        pending.Enqueue(task, task);
        Pending++;
    }

    private struct TaskEntry
    {
        public long Items;
        public TaskState Status;
        public int Attempts;
    }
}

/// <summary>Where a task is: waiting, held by a worker, committed, or given up on.</summary>
public enum TaskState : byte
{
    Pending,
    Leased,
    Done,
    Failed,
}

/// <summary>A held lease: who holds it, on which silo, until when, and which attempt it is.</summary>
public readonly record struct LeaseEntry(Guid LeaseId, DateTimeOffset ExpiresAt, string WorkerId, SiloAddress? Silo, int Attempt);
