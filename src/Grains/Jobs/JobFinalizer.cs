using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// Writes <c>manifest.json</c> and <c>_SUCCESS</c> once every shard is committed or given up on. The manifest is
/// built from the shard markers in storage, not from grain state: only marked shards count.
/// </summary>
public sealed class JobFinalizer(IObjectStoreFactory stores, TimeProvider time)
{
    public async Task<JobManifest> FinalizeAsync(string jobId, JobGrainState state, CancellationToken cancellationToken)
    {
        var spec = state.Spec ?? throw new InvalidOperationException($"job {jobId} has no spec");
        var store = stores.Open(StorageLocation.Parse(spec.Output));
        var markers = new List<ShardMarker>();
        var failed = new List<FailedShard>();
        foreach (var shard in state.Shards)
        {
            if (shard.Status == ShardStatus.Done)
            {
                var bytes = await store.ReadAllBytesAsync(OutputLayout.Marker(shard.Index), cancellationToken);
                markers.Add(OutputJson.Deserialize<ShardMarker>(bytes));
            }
            else
            {
                failed.Add(new FailedShard(shard.Index, shard.Count, shard.LastError ?? "failed"));
            }
        }

        bool clean = failed.Count == 0 && markers.All(m => m.Failures == 0);
        var manifest = new JobManifest
        {
            JobId = jobId,
            State = (clean ? JobState.Succeeded : JobState.CompletedWithErrors).ToString(),
            Model = spec.Model,
            EmbeddingDim = markers.Select(m => m.EmbeddingDim).FirstOrDefault(),
            Dtype = markers.Select(m => m.Dtype).FirstOrDefault(),
            TotalRows = markers.Sum(m => (long)m.Rows),
            TotalFailures = markers.Sum(m => (long)m.Failures) + failed.Sum(f => (long)f.Images),
            Shards = markers,
            FailedShards = failed,
            FinishedAt = time.GetUtcNow(),
        };
        await store.WriteAsync(OutputLayout.ManifestFile, OutputJson.Serialize(manifest), cancellationToken);
        await store.WriteAsync(OutputLayout.SuccessFile, ReadOnlyMemory<byte>.Empty, cancellationToken);
        return manifest;
    }
}
