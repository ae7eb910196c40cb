using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>What a finished embed job left in its output: every metadata row with its embedding, the failure records, and leftovers.</summary>
public sealed record JobOutput(
    IReadOnlyList<(string ImagePath, float[] Embedding)> Rows,
    IReadOnlyList<FailureRow> Failures,
    IReadOnlyList<string> AttemptLeftovers,
    JobManifest Manifest)
{
    /// <summary>Reads shards 0 .. <paramref name="tasks"/>-1 through their final names, as readers of the output do.</summary>
    public static async Task<JobOutput> ReadAsync(IObjectStore store, int tasks)
    {
        var rows = new List<(string, float[])>();
        var failures = new List<FailureRow>();
        for (int shard = 0; shard < tasks; shard++)
        {
            Assert.True(await store.ExistsAsync(OutputLayout.Marker(shard)), $"shard {shard} of {tasks} has no commit marker");
            var metadata = await ParquetFiles.ReadAsync<EmbeddingMetadataRow>(new MemoryStream(await store.ReadAllBytesAsync(OutputLayout.Metadata(shard))), default);
            var (data, shape, dtype) = NpyReader.Read(new MemoryStream(await store.ReadAllBytesAsync(OutputLayout.Embeddings(shard))));
            Assert.True(dtype == NpyDType.Float16, $"shard {shard}: expected float16 embeddings, got {dtype}");
            Assert.True(shape[0] == metadata.Count, $"shard {shard}: {shape[0]} embedding rows but {metadata.Count} metadata rows");
            int dim = shape[1];
            for (int row = 0; row < metadata.Count; row++)
            {
                Assert.True(metadata[row].Row == row && metadata[row].Shard == shard,
                    $"shard {shard} row {row}: metadata says shard {metadata[row].Shard} row {metadata[row].Row}");
                rows.Add((metadata[row].ImagePath, data.AsSpan(row * dim, dim).ToArray()));
            }
            if (await store.ReadAllBytesIfPresentAsync(OutputLayout.Failures(shard)) is { } bytes)
                failures.AddRange(await ParquetFiles.ReadAsync<FailureRow>(new MemoryStream(bytes), default));
        }
        var leftovers = new List<string>();
        await foreach (var entry in store.ListAsync(OutputLayout.AttemptsFolder)) leftovers.Add(entry.Key);
        var manifest = OutputJson.Deserialize<JobManifest>(await store.ReadAllBytesAsync(OutputLayout.ManifestFile));
        return new JobOutput(rows, failures, leftovers, manifest);
    }
}
