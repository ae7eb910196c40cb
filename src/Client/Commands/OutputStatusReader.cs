using System.Text.Json;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Client.Commands;

/// <summary>
/// A job's status as its output shows it, for embedded mode, where the job lived in another process: <c>job.json</c>,
/// the plan's completion record, the task markers and, once finished, the manifest. Only <c>.done.json</c> markers count
/// as completed tasks; <c>.failed.json</c> ones as failed. Each file is read for the few fields status needs, so the
/// reader does not break when the commit records gain or drop fields.
/// </summary>
public static class OutputStatusReader
{
    private const string DoneSuffix = ".done.json";
    private const string FailedSuffix = ".failed.json";

    public static async Task<JobStatus> ReadAsync(IObjectStore store, string jobId, CancellationToken cancellationToken)
    {
        var record = await OutputJson.ReadIfPresentAsync<JobHeader>(store, OutputLayout.JobFile, cancellationToken);
        if (record is null)
            return new JobStatus { JobId = jobId, State = JobState.Unknown, Error = $"no {OutputLayout.JobFile} at {store.Location}" };
        if (record.JobId != jobId)
            return new JobStatus { JobId = jobId, State = JobState.Unknown, Error = $"{store.Location} holds job {record.JobId}" };

        var done = new List<DoneMarker>();
        long failedTaskItems = 0;
        int failedTasks = 0;
        await foreach (var entry in store.ListAsync(OutputLayout.MarkerFolder, cancellationToken))
        {
            if (entry.Key.EndsWith(DoneSuffix, StringComparison.Ordinal))
            {
                done.Add(OutputJson.Deserialize<DoneMarker>(await store.ReadAllBytesAsync(entry.Key, cancellationToken)));
            }
            else if (entry.Key.EndsWith(FailedSuffix, StringComparison.Ordinal))
            {
                failedTasks++;
                failedTaskItems += ItemsOf(await store.ReadAllBytesAsync(entry.Key, cancellationToken));
            }
        }
        var plan = await OutputJson.ReadIfPresentAsync<PlanComplete>(store, OutputLayout.PlanComplete, cancellationToken);
        var manifest = await OutputJson.ReadIfPresentAsync<ManifestHead>(store, OutputLayout.ManifestFile, cancellationToken);

        // Once finished, the manifest's totals are the truth (a retry may have superseded some failure records).
        long rows = manifest?.TotalRows ?? done.Sum(m => (long)m.Rows);
        long failed = manifest?.TotalFailures ?? done.Sum(m => (long)m.Failures) + failedTaskItems;
        var end = manifest?.FinishedAt ?? done.Select(m => m.CommittedAt).DefaultIfEmpty(record.CreatedAt).Max();
        double seconds = (end - record.CreatedAt).TotalSeconds;
        var state = manifest is not null ? ParseState(manifest.State) : plan is null ? JobState.Planning : JobState.Running;
        return new JobStatus
        {
            JobId = jobId,
            Kind = record.Kind,
            State = state,
            PlanningDone = plan is not null || manifest is not null,
            TotalTasks = plan?.Tasks ?? done.Count + failedTasks,
            CompletedTasks = done.Count,
            FailedTasks = Math.Max(failedTasks, manifest?.FailedShards?.Count ?? 0),
            TotalItems = plan?.Items ?? 0,
            DoneItems = rows,
            FailedItems = failed,
            ItemsPerSecond = seconds > 0 ? (rows + failed) / seconds : 0,
            Output = record.Output ?? store.Location.ToString(),
            Error = manifest is null
                ? "not finished: no manifest.json yet (the job may still run, or its process stopped; resubmit with the same --job-id to resume)"
                : null,
            SubmittedAt = record.CreatedAt,
            FinishedAt = manifest?.FinishedAt,
        };
    }

    // Manifests spell states as the enum does (CompletedWithErrors) or in snake_case (completed_with_errors).
    private static JobState ParseState(string state) =>
        Enum.TryParse<JobState>(state.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) ? parsed : JobState.Unknown;

    // A failed task's record may say how many items it held (its items count as failed); older records do not.
    private static long ItemsOf(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var name in new[] { "items", "images" })
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) &&
                value.TryGetInt64(out var count))
                return count;
        return 0;
    }

    // job.json of any kind: the fields every kind writes.
    private sealed record JobHeader(string JobId, string? Kind, string? Output, DateTimeOffset CreatedAt);

    private sealed record DoneMarker(int Rows, int Failures, DateTimeOffset CommittedAt);

    private sealed record PlanComplete(int Tasks, long Items);

    private sealed record ManifestHead(string State, DateTimeOffset FinishedAt, long? TotalRows, long? TotalFailures, IReadOnlyList<JsonElement>? FailedShards);
}
