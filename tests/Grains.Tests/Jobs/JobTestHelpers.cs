using Pipeline.Contracts.Jobs;
using Pipeline.Storage;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>Corpus upload and waiting for a real job to finish.</summary>
public static class JobTestHelpers
{
    public static async Task UploadAsync(IObjectStoreFactory stores, string location, IReadOnlyDictionary<string, byte[]> files)
    {
        var store = stores.Open(StorageLocation.Parse(location));
        foreach (var (key, bytes) in files) await store.WriteAsync(key, bytes);
    }

    /// <summary>Waits for a job that runs on real workers; bounded, and says what it last saw when it gives up.</summary>
    public static Task<JobStatus> WaitForFinalAsync(IJobGrain job, TimeSpan timeout) => WaitForAsync(job, s => s.IsFinal, timeout);

    /// <summary>Polls the job's status until <paramref name="done"/> holds; bounded, and says what it last saw when it gives up.</summary>
    public static async Task<JobStatus> WaitForAsync(IJobGrain job, Func<JobStatus, bool> done, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        JobStatus status = await job.GetStatusAsync();
        while (!done(status))
        {
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"job {status.JobId} did not get there within {timeout}: last status {status}");
            }
            status = await job.GetStatusAsync();
        }
        return status;
    }
}
