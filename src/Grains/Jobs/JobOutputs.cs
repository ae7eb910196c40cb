using System.Collections.Concurrent;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// The storage side of a job, shared by every kind: its output store, the markers and failure records under
/// <c>_shards/</c>, the manifest and <c>_SUCCESS</c>. Job grains call it off their scheduler for anything that lists
/// or reads many objects.
/// </summary>
public sealed class JobOutputs(IObjectStoreFactory stores, TimeProvider time)
{
    private const string DoneSuffix = ".done.json";
    private const string FailedSuffix = ".failed.json";

    public IObjectStore Open(JobSpec spec) => stores.Open(StorageLocation.Parse(spec.Output));

    /// <summary>Why <paramref name="spec"/>'s output cannot take this job, or null.</summary>
    public async Task<string?> CheckOutputAsync(string jobId, JobSpec spec, CancellationToken cancellationToken)
    {
        IObjectStore store;
        try
        {
            store = Open(spec);
        }
        catch (ArgumentException e)
        {
            return $"--output '{spec.Output}': {e.Message}";
        }
        var existing = await OutputJson.ReadIfPresentAsync<JobRecordHeader>(store, OutputLayout.JobFile, cancellationToken);
        return existing is not null && existing.JobId != jobId
            ? $"--output {spec.Output} already holds job '{existing.JobId}': choose an empty output, or pass --job-id {existing.JobId} to resume that job."
            : null;
    }

    public async Task<JobManifest?> ReadManifestAsync(string jobId, JobSpec spec, CancellationToken cancellationToken)
    {
        var manifest = await OutputJson.ReadIfPresentAsync<JobManifest>(Open(spec), OutputLayout.ManifestFile, cancellationToken);
        return manifest?.JobId == jobId ? manifest : null;
    }

    public async Task<MarkerListing> ListMarkersAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var listing = new MarkerListing([], []);
        await foreach (var entry in store.ListAsync(OutputLayout.MarkerFolder, cancellationToken))
        {
            var name = entry.Key[OutputLayout.MarkerFolder.Length..];
            if (TryTask(name, DoneSuffix, out int done)) listing.Done.Add(done);
            else if (TryTask(name, FailedSuffix, out int failed)) listing.Failed.Add(failed);
        }
        return listing;
    }

    /// <summary>Reads the markers of <paramref name="tasks"/> and finishes any publish a crashed attempt left undone.</summary>
    public async Task<IReadOnlyList<ShardMarker>> ReadAndPublishMarkersAsync(IObjectStore store, IReadOnlyList<int> tasks, CancellationToken cancellationToken)
    {
        var markers = await ReadMarkersAsync(store, tasks, cancellationToken);
        await Parallel.ForEachAsync(markers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (marker, ct) => await ShardPublisher.PublishAsync(store, marker, ct));
        return markers;
    }

    public async Task<IReadOnlyList<ShardMarker>> ReadMarkersAsync(IObjectStore store, IEnumerable<int> tasks, CancellationToken cancellationToken)
    {
        var markers = new ConcurrentBag<ShardMarker>();
        await Parallel.ForEachAsync(tasks, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (task, ct) =>
        {
            if (await OutputJson.ReadIfPresentAsync<ShardMarker>(store, OutputLayout.Marker(task), ct) is { } marker) markers.Add(marker);
        });
        return [.. markers.OrderBy(m => m.Shard)];
    }

    public async Task<IReadOnlyDictionary<int, TaskFailureRecord>> ReadTaskFailuresAsync(IObjectStore store, IEnumerable<int> tasks, CancellationToken cancellationToken)
    {
        var failures = new Dictionary<int, TaskFailureRecord>();
        foreach (int task in tasks)
            if (await OutputJson.ReadIfPresentAsync<TaskFailureRecord>(store, OutputLayout.FailedMarker(task), cancellationToken) is { } record)
                failures[task] = record;
        return failures;
    }

    public Task WriteTaskFailureAsync(IObjectStore store, string jobId, int task, long items, int attempts, string error, CancellationToken cancellationToken) =>
        store.WriteAsync(OutputLayout.FailedMarker(task), OutputJson.Serialize(new TaskFailureRecord
        {
            JobId = jobId, Shard = task, Items = items, Attempts = attempts, Error = error, FailedAt = time.GetUtcNow(),
        }), cancellationToken);

    public Task DeleteTaskFailureAsync(IObjectStore store, int task, CancellationToken cancellationToken) =>
        store.DeleteAsync(OutputLayout.FailedMarker(task), cancellationToken);

    public Task DeleteSuccessAsync(IObjectStore store, CancellationToken cancellationToken) =>
        store.DeleteAsync(OutputLayout.SuccessFile, cancellationToken);

    public Task WritePlanAsync(IObjectStore store, IAsyncEnumerable<Kinds.PlannedTask> tasks, int first, int concurrency,
        System.Threading.Channels.ChannelWriter<long> planned, CancellationToken cancellationToken) =>
        PlanWriter.WriteAsync(store, tasks, first, concurrency, planned, cancellationToken);

    public Task WritePlanCompleteAsync(IObjectStore store, int tasks, long items, CancellationToken cancellationToken) =>
        PlanWriter.WriteCompleteAsync(store, tasks, items, cancellationToken);

    /// <summary>Committed tasks with failure records: from the manifest of the last finish, else from the markers.</summary>
    public async Task<IReadOnlyList<ShardMarker>> MarkersWithFailuresAsync(IObjectStore store, string jobId, CancellationToken cancellationToken)
    {
        var manifest = await OutputJson.ReadIfPresentAsync<JobManifest>(store, OutputLayout.ManifestFile, cancellationToken);
        IEnumerable<ShardMarker> markers = manifest?.JobId == jobId
            ? manifest.Shards
            : await ReadMarkersAsync(store, (await ListMarkersAsync(store, cancellationToken)).Done, cancellationToken);
        return [.. markers.Where(m => m.Failures > 0).OrderBy(m => m.Shard)];
    }

    /// <summary>
    /// Writes <c>manifest.json</c> (built from the markers in storage: only marked tasks count) and <c>_SUCCESS</c>,
    /// and sweeps <c>_attempts/</c> of what crashed losing attempts left.
    /// </summary>
    /// <returns>The manifest, or (when some tasks reported done have no marker) null and those tasks.</returns>
    /// <param name="beforeSuccess">The kind's closing step (<see cref="Kinds.IJobKind.FinishAsync"/>), run after the manifest and before <c>_SUCCESS</c>.</param>
    public async Task<(JobManifest? Manifest, IReadOnlyList<int> Missing)> FinalizeAsync(IObjectStore store, string jobId, string kind,
        IReadOnlyList<int> done, IReadOnlyList<int> failed, TaskBitmap superseded, Func<JobManifest, CancellationToken, Task> beforeSuccess,
        CancellationToken cancellationToken)
    {
        var markers = await ReadMarkersAsync(store, done, cancellationToken);
        if (markers.Count != done.Count)
            return (null, [.. done.Except(markers.Select(m => m.Shard))]);
        var failures = await ReadTaskFailuresAsync(store, failed, cancellationToken);
        var failedShards = failed.Select(t => new FailedShard(t, (int)(failures.GetValueOrDefault(t)?.Items ?? 0),
            failures.GetValueOrDefault(t)?.Error ?? "failed")).ToList();
        long standingFailures = markers.Where(m => !superseded[m.Shard]).Sum(m => (long)m.Failures) + failedShards.Sum(f => (long)f.Images);
        var manifest = new JobManifest
        {
            JobId = jobId,
            Kind = kind,
            State = (standingFailures == 0 ? JobState.Succeeded : JobState.CompletedWithErrors).ToString(),
            EmbeddingDim = markers.Select(m => m.EmbeddingDim).FirstOrDefault(d => d is not null),
            Dtype = markers.Select(m => m.Dtype).FirstOrDefault(d => d is not null),
            TotalRows = markers.Sum(m => (long)m.Rows),
            TotalFailures = standingFailures,
            Shards = markers,
            FailedShards = failedShards,
            SupersededFailures = [.. markers.Where(m => superseded[m.Shard]).Select(m => m.Shard)],
            FinishedAt = time.GetUtcNow(),
        };
        await ShardPublisher.SweepAttemptsAsync(store, cancellationToken);
        await store.WriteAsync(OutputLayout.ManifestFile, OutputJson.Serialize(manifest), cancellationToken);
        await beforeSuccess(manifest, cancellationToken);
        await store.WriteAsync(OutputLayout.SuccessFile, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return (manifest, []);
    }

    private static bool TryTask(string name, string suffix, out int task)
    {
        task = -1;
        return name.EndsWith(suffix, StringComparison.Ordinal)
               && int.TryParse(name.AsSpan(0, name.Length - suffix.Length), System.Globalization.NumberStyles.None,
                   System.Globalization.CultureInfo.InvariantCulture, out task);
    }
}
