using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Progress for logs and pipes: a <see cref="StatusText.Progress"/> line whenever the job's state or counts change.</summary>
public static class PlainProgress
{
    public static Task<JobStatus> FollowAsync(Func<CancellationToken, Task<JobStatus>> poll, TimeSpan interval, TextWriter output,
        CancellationToken cancellationToken)
    {
        object? last = null;
        return JobWaiter.WaitAsync(poll, interval, status =>
        {
            // Speed and ETA move on every poll; a line is worth writing only when the work itself moved.
            var counts = (status.State, status.PlanningDone, status.TotalTasks, status.CompletedTasks, status.RunningTasks, status.FailedTasks,
                status.DoneItems, status.FailedItems);
            if (!counts.Equals(last)) output.WriteLine(StatusText.Progress(status));
            last = counts;
        }, cancellationToken);
    }
}
