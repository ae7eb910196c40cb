using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Stages an embed task's files (DESIGN.md layout names) under its attempt: npy embeddings, patch tokens (one file, or
/// one per patch grid for images at their own size), metadata and failures.
/// </summary>
public static class EmbedFiles
{
    /// <summary>Stages the files and returns the embedding dtype's name as the marker records it.</summary>
    public static async Task<string> StageAsync(ShardCommit commit, int shard, ShardEmbeddings result, OutputDType outputDType, CancellationToken cancellationToken)
    {
        var dtype = outputDType == OutputDType.Float16 ? NpyDType.Float16 : NpyDType.Float32;
        using (var npy = new MemoryStream())
        {
            NpyWriter.Write(npy, result.Embeddings, result.Rows, result.Dim, dtype);
            npy.Position = 0;
            await commit.StageAsync(OutputLayout.Embeddings(shard), npy, cancellationToken);
        }
        if (result.PatchTokens is { } patches)
        {
            using var npy = new MemoryStream();
            NpyWriter.Write(npy, patches, [result.Rows, result.PatchTokenCount, result.PatchTokenDim], dtype);
            npy.Position = 0;
            await commit.StageAsync(OutputLayout.PatchEmbeddings(shard), npy, cancellationToken);
        }
        if (result.PatchGroups is { } groups)
        {
            // Images at their own size: one npy per patch grid, and each metadata row says where its tokens are.
            foreach (var group in groups)
            {
                using var npy = new MemoryStream();
                NpyWriter.Write(npy, group.Tokens, [group.Rows, group.TokensPerImage, group.Dim], dtype);
                npy.Position = 0;
                await commit.StageAsync(OutputLayout.PatchEmbeddings(shard, group.GridHeight, group.GridWidth), npy, cancellationToken);
            }
            var locations = result.PatchLocations ?? throw new InvalidOperationException("patch groups without patch locations");
            var rows = result.Metadata.Select((m, i) => new PatchIndexedMetadataRow
            {
                ImagePath = m.ImagePath, Shard = m.Shard, Row = m.Row, Width = m.Width, Height = m.Height,
                GridHeight = locations[i].GridHeight, GridWidth = locations[i].GridWidth,
                PatchFile = OutputLayout.PatchEmbeddings(shard, locations[i].GridHeight, locations[i].GridWidth), PatchRow = locations[i].GroupRow,
            }).ToList();
            await StageParquetAsync(commit, OutputLayout.Metadata(shard), rows, cancellationToken);
        }
        else
        {
            await StageParquetAsync(commit, OutputLayout.Metadata(shard), result.Metadata, cancellationToken);
        }
        if (result.Failures.Count > 0) await StageParquetAsync(commit, OutputLayout.Failures(shard), result.Failures, cancellationToken);
        return dtype == NpyDType.Float16 ? "float16" : "float32";
    }

    private static async Task StageParquetAsync<T>(ShardCommit commit, string key, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await ParquetFiles.WriteAsync(stream, rows, cancellationToken);
        stream.Position = 0;
        await commit.StageAsync(key, stream, cancellationToken);
    }
}
