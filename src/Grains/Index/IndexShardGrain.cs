using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Pipeline.Contracts.Index;
using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Grains.Index;

/// <summary>
/// Holds one index shard in memory (memory-mapped for HNSW) and answers its part of every query. Loads on the first
/// call, and again when the index was rebuilt; after its silo dies, the next call activates it on another silo.
/// Reentrant: searches of one shard run at once (both index kinds are safe for concurrent searches); concurrent first
/// calls share one load.
/// </summary>
[Reentrant]
public sealed class IndexShardGrain(IObjectStoreFactory stores, ShardFileCache cache, ILogger<IndexShardGrain> logger) : Grain, IIndexShardGrain
{
    private LoadedShard? loaded;
    private (string BuildId, Task<LoadedShard> Task)? loading;

    public async Task<ShardSearchResult> SearchAsync(string buildId, float[] queries, int dimension, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var shard = await LoadAsync(buildId);
        if (dimension != shard.Index.Dimension)
            throw new ArgumentException($"the queries have dimension {dimension}, index shard {shard.Number} {shard.Index.Dimension}.", nameof(dimension));
        // Searching is CPU work: off the grain's scheduler, on the thread pool (the index is safe for concurrent searches).
        var result = await Task.Run(() => shard.Index.Search(queries, dimension, k));
        var rows = new int[result.Indices.Length];
        var paths = new string[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = checked((int)result.Indices[i]);
            paths[i] = rows[i] >= 0 ? shard.Rows[rows[i]].ImagePath : "";
        }
        return new ShardSearchResult(result.Queries, result.K, rows, result.Scores, paths);
    }

    public async Task<EmbeddingRowRef?> LocateAsync(string buildId, string imagePath)
    {
        var shard = await LoadAsync(buildId);
        return shard.ByPath.Value.TryGetValue(imagePath, out var row) ? new EmbeddingRowRef(row.EmbeddingShard, row.EmbeddingRow) : null;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        loaded?.Index.Dispose();
        loaded = null;
        return Task.CompletedTask;
    }

    private Task<LoadedShard> LoadAsync(string buildId)
    {
        if (loaded?.BuildId == buildId) return Task.FromResult(loaded);
        if (loading is { } pending && pending.BuildId == buildId && !pending.Task.IsFaulted) return pending.Task;
        var task = LoadCoreAsync(buildId);
        loading = (buildId, task);
        return task;
    }

    private async Task<LoadedShard> LoadCoreAsync(string buildId)
    {
        var (location, number) = IndexGrainKeys.ParseShard(this.GetPrimaryKeyString());
        var store = stores.Open(StorageLocation.Parse(location));
        var manifest = await IndexManifests.ReadAsync(store);
        if (manifest.BuildId != buildId)
            throw new InvalidDataException($"index {location} changed while it was being queried (build {buildId}, now {manifest.BuildId}): query again.");
        var entry = manifest.Shards.FirstOrDefault(s => s.Shard == number)
                    ?? throw new InvalidDataException($"{location}/{IndexLayout.ManifestFile} has no shard {number}.");
        var where = $"index shard {number} ({location}/{entry.File})";
        var shape = new ShardShape(entry.Rows, entry.Dimension, IndexNames.ParseMetric(manifest.Metric), IndexNames.ParseStorage(manifest.Storage), entry.Parameters);
        IShardIndex index;
        IReadOnlyList<IndexRow> rows;
        try
        {
            string path = await cache.LocalPathAsync(store, buildId, entry.Files, CancellationToken.None);
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
            index = await Task.Run(() => ShardIndexFormats.For(manifest.Kind).Open(path, shape));
            using var rowsFile = new MemoryStream(await store.ReadAllBytesAsync(entry.RowsFile));
            rows = await ParquetFiles.ReadAsync<IndexRow>(rowsFile);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{where} cannot be loaded: {e.Message}", e);
        }
        if (rows.Count != entry.Rows)
        {
            index.Dispose();
            throw new InvalidDataException($"{where}: {entry.RowsFile} has {rows.Count} rows, index.json says {entry.Rows}.");
        }
        // A shard loaded from another build may still be in a search that started before: it is left to the collector
        // rather than disposed under that search.
        loaded = new LoadedShard(buildId, number, index, rows);
        logger.LogInformation("{Where}: loaded, {Rows} rows", where, rows.Count);
        return loaded;
    }

    private sealed record LoadedShard(string BuildId, int Number, IShardIndex Index, IReadOnlyList<IndexRow> Rows)
    {
        /// <summary>Rows by image path, for queries by id only: built on the first such query, not at every load.</summary>
        public Lazy<Dictionary<string, IndexRow>> ByPath { get; } = new(() => Rows.GroupBy(r => r.ImagePath).ToDictionary(g => g.Key, g => g.First()));
    }
}
