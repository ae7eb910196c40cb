using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>
/// A shard's results in listing order: embedding rows aligned with metadata rows (and patch tokens [rows x tokens x
/// patchDim] when asked for), and the samples that failed.
/// </summary>
public sealed record ShardEmbeddings(float[] Embeddings, int Dim, IReadOnlyList<EmbeddingMetadataRow> Metadata, IReadOnlyList<FailureRow> Failures,
    float[]? PatchTokens = null, int PatchTokenCount = 0, int PatchTokenDim = 0)
{
    public int Rows => Metadata.Count;
}
