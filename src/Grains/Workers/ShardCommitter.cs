using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Workers;

/// <summary>
/// The commit protocol (DESIGN.md step 5): write the shard's files, then create its marker only if absent. A second
/// attempt that lost the race keeps the first marker (and the files it names); visible output is exactly-once.
/// </summary>
public sealed class ShardCommitter(TimeProvider time)
{
    public async Task<ShardOutcome> CommitAsync(IObjectStore output, ShardLease lease, string workerId, ShardEmbeddings result,
        CancellationToken cancellationToken)
    {
        int shard = lease.Shard;
        var files = new List<string>();
        var dtype = lease.Spec.OutputDType == OutputDType.Float16 ? NpyDType.Float16 : NpyDType.Float32;

        using (var npy = new MemoryStream())
        {
            NpyWriter.Write(npy, result.Embeddings, result.Rows, result.Dim, dtype);
            npy.Position = 0;
            await output.WriteAsync(OutputLayout.Embeddings(shard), npy, cancellationToken);
            files.Add(OutputLayout.Embeddings(shard));
        }
        if (result.PatchTokens is { } patches)
        {
            using var npy = new MemoryStream();
            NpyWriter.Write(npy, patches, [result.Rows, result.PatchTokenCount, result.PatchTokenDim], dtype);
            npy.Position = 0;
            await output.WriteAsync(OutputLayout.PatchEmbeddings(shard), npy, cancellationToken);
            files.Add(OutputLayout.PatchEmbeddings(shard));
        }
        await WriteParquetAsync(output, OutputLayout.Metadata(shard), result.Metadata, cancellationToken);
        files.Add(OutputLayout.Metadata(shard));
        if (result.Failures.Count > 0)
        {
            await WriteParquetAsync(output, OutputLayout.Failures(shard), result.Failures, cancellationToken);
            files.Add(OutputLayout.Failures(shard));
        }

        var marker = new ShardMarker
        {
            JobId = lease.JobId,
            Shard = shard,
            Rows = result.Rows,
            Failures = result.Failures.Count,
            EmbeddingDim = result.Dim,
            Dtype = dtype == NpyDType.Float16 ? "float16" : "float32",
            Files = files,
            Worker = workerId,
            CommittedAt = time.GetUtcNow(),
        };
        if (await output.TryCreateAsync(OutputLayout.Marker(shard), OutputJson.Serialize(marker), cancellationToken))
            return new ShardOutcome { Rows = marker.Rows, Failures = marker.Failures };
        return await ReadCommittedAsync(output, shard, cancellationToken)
               ?? throw new InvalidOperationException($"marker of shard {shard} exists but cannot be read");
    }

    /// <summary>The outcome recorded by an existing marker, or null when the shard is not committed.</summary>
    public static async Task<ShardOutcome?> ReadCommittedAsync(IObjectStore output, int shard, CancellationToken cancellationToken)
    {
        var marker = await OutputJson.ReadIfPresentAsync<ShardMarker>(output, OutputLayout.Marker(shard), cancellationToken);
        return marker is null ? null : new ShardOutcome { Rows = marker.Rows, Failures = marker.Failures };
    }

    private static async Task WriteParquetAsync<T>(IObjectStore output, string key, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await ParquetFiles.WriteAsync(stream, rows, cancellationToken);
        stream.Position = 0;
        await output.WriteAsync(key, stream, cancellationToken);
    }
}
