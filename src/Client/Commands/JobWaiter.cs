using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Polls a job until it ends (or turns out unknown), handing every snapshot to the caller's view.</summary>
public static class JobWaiter
{
    /// <summary>Between polls of a job grain (a cheap call).</summary>
    public static readonly TimeSpan GrainPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Between reads of a job's output (a listing of its markers).</summary>
    public static readonly TimeSpan OutputPollInterval = TimeSpan.FromSeconds(2);

    public static async Task<JobStatus> WaitAsync(Func<CancellationToken, Task<JobStatus>> poll, TimeSpan interval, Action<JobStatus> onStatus,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await poll(cancellationToken);
            onStatus(status);
            if (status.IsFinal || status.State == JobState.Unknown) return status;
            await Task.Delay(interval, cancellationToken);
        }
    }
}
