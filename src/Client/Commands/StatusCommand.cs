using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline status JOB [--output LOCATION]</c>: asks the cluster's job grain; in embedded mode (no cluster) the job
/// lived in another process, so it reads the job's committed state from its output instead.
/// </summary>
public static class StatusCommand
{
    private static readonly Argument<string> Job = new("job") { Description = "The job id" };
    private static readonly Option<string?> Output = new("--output") { Description = "The job's output location (embedded mode reads status from it)" };

    public static Command Create()
    {
        var command = new Command("status", "Show a job's state, shard counts and images/s") { Job, Output };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Job)!, parse.GetValue(Output), ct));
        return command;
    }

    private static async Task<int> RunAsync(string jobId, string? output, CancellationToken cancellationToken)
    {
        if (!EmbedJobSpecValidator.IsValidJobId(jobId))
        {
            await Console.Error.WriteLineAsync($"refused: '{jobId}' is not a job id");
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await PipelineRuntime.StartAsync(output is not null && !Directory.Exists(output) && output.Contains("://"), cancellationToken);
        JobStatus status;
        if (runtime.Embedded)
        {
            if (output is null)
            {
                await Console.Error.WriteLineAsync("refused: without a cluster, pass --output <the job's output location> so status can read it.");
                return ExitCodes.FailedOrRefused;
            }
            status = await ReadFromOutputAsync(runtime.Stores.Open(StorageLocation.Parse(output)), jobId, cancellationToken);
        }
        else
        {
            status = await runtime.Grains.GetGrain<IJobGrain>(jobId).GetStatusAsync(cancellationToken);
        }
        Console.WriteLine(StatusText.Summary(status));
        return status.State == JobState.Unknown ? ExitCodes.FailedOrRefused : ExitCodes.For(status.State);
    }

    /// <summary>Status as the output shows it: job.json, the shard markers and, when finished, the manifest.</summary>
    public static async Task<JobStatus> ReadFromOutputAsync(IObjectStore store, string jobId, CancellationToken cancellationToken)
    {
        var record = await OutputJson.ReadIfPresentAsync<JobRecord>(store, OutputLayout.JobFile, cancellationToken);
        if (record is null)
            return new JobStatus { JobId = jobId, State = JobState.Unknown, Error = $"no {OutputLayout.JobFile} at {store.Location}" };
        if (record.JobId != jobId)
            return new JobStatus { JobId = jobId, State = JobState.Unknown, Error = $"{store.Location} holds job {record.JobId}" };

        var markers = new List<ShardMarker>();
        await foreach (var entry in store.ListAsync(OutputLayout.MarkerFolder, cancellationToken))
            markers.Add(OutputJson.Deserialize<ShardMarker>(await store.ReadAllBytesAsync(entry.Key, cancellationToken)));
        var manifest = await OutputJson.ReadIfPresentAsync<JobManifest>(store, OutputLayout.ManifestFile, cancellationToken);

        long rows = markers.Sum(m => (long)m.Rows), failed = manifest?.TotalFailures ?? markers.Sum(m => (long)m.Failures);
        var end = manifest?.FinishedAt ?? markers.Select(m => m.CommittedAt).DefaultIfEmpty(record.CreatedAt).Max();
        double seconds = (end - record.CreatedAt).TotalSeconds;
        return new JobStatus
        {
            JobId = jobId,
            State = manifest is null ? JobState.Running : Enum.Parse<JobState>(manifest.State, ignoreCase: true),
            TotalShards = record.Shards,
            CompletedShards = markers.Count,
            FailedShards = manifest?.FailedShards.Count ?? 0,
            TotalImages = record.Images,
            EmbeddedImages = rows,
            FailedImages = failed,
            ImagesPerSecond = seconds > 0 ? (rows + failed) / seconds : 0,
            Output = record.Output,
            Error = manifest is null ? "not finished: no manifest.json yet (the job may still run, or its process stopped; resubmit with the same --job-id to resume)" : null,
            StartedAt = record.CreatedAt,
            FinishedAt = manifest?.FinishedAt,
        };
    }
}
