using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Polls a job until it is final, printing a progress line whenever it changes.</summary>
public static class JobWaiter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<JobStatus> WaitAsync(IJobGrain job, TextWriter output, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var status = await job.GetStatusAsync(cancellationToken);
            var line = StatusText.Progress(status);
            if (line != last) output.WriteLine(line);
            last = line;
            if (status.IsFinal) return status;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
