namespace Pipeline.Grains.Tests;

/// <summary>
/// The job grain state writes a <see cref="CountingGrainStorage"/> saw, in order, with a way to wait for one without
/// polling (the storage signals each write).
/// </summary>
public sealed class StateWriteLog
{
    private readonly Lock gate = new();
    private readonly List<JobStateWrite> writes = [];
    private readonly List<(Func<JobStateWrite, bool> Match, TaskCompletionSource<JobStateWrite> Done)> waiters = [];

    public IReadOnlyList<JobStateWrite> For(string jobId)
    {
        lock (gate) return [.. writes.Where(w => w.JobId == jobId)];
    }

    public void Add(JobStateWrite write)
    {
        List<TaskCompletionSource<JobStateWrite>> woken = [];
        lock (gate)
        {
            writes.Add(write);
            foreach (var waiter in waiters.Where(w => w.Match(write)).ToList())
            {
                waiters.Remove(waiter);
                woken.Add(waiter.Done);
            }
        }
        foreach (var done in woken) done.TrySetResult(write);
    }

    /// <summary>The first write (already seen or still to come) that matches; bounded.</summary>
    public async Task<JobStateWrite> WaitForAsync(Func<JobStateWrite, bool> match, TimeSpan timeout, string what)
    {
        var done = new TaskCompletionSource<JobStateWrite>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (writes.FirstOrDefault(match) is { } seen) return seen;
            waiters.Add((match, done));
        }
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (gate) Assert.Fail($"expected a job state write where {what} within {timeout}; saw {writes.Count}: {string.Join("; ", writes)}");
            throw;
        }
    }
}
