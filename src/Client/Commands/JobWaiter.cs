using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Polls a job until it is final, printing a progress line whenever its counts change.</summary>
public static class JobWaiter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<JobStatus> WaitAsync(IJobGrain job, TextWriter output, CancellationToken cancellationToken)
    {
        object? last = null;
        while (true)
        {
            var status = await job.GetStatusAsync(cancellationToken);
            var counts = (status.State, status.CompletedShards, status.RunningShards, status.FailedShards, status.EmbeddedImages, status.FailedImages);
            if (!counts.Equals(last)) output.WriteLine(StatusText.Progress(status));
            last = counts;
            if (status.IsFinal) return status;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
