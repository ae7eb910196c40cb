using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>
/// A shard's results in listing order: embedding rows aligned with metadata rows (and patch tokens [rows x tokens x
/// patchDim] when asked for), and the samples that failed. Images at their own size have no single token count: their
/// patch tokens come in <see cref="PatchGroups"/> (one per patch grid) and <see cref="PatchLocations"/> (aligned with
/// the metadata rows) says where each row's tokens are.
/// </summary>
public sealed record ShardEmbeddings(float[] Embeddings, int Dim, IReadOnlyList<EmbeddingMetadataRow> Metadata, IReadOnlyList<FailureRow> Failures,
    float[]? PatchTokens = null, int PatchTokenCount = 0, int PatchTokenDim = 0)
{
    public int Rows => Metadata.Count;

    /// <summary>Patch tokens per patch grid, in the order the grids first appeared (variable sizes only).</summary>
    public IReadOnlyList<PatchTokenGroup>? PatchGroups { get; init; }

    /// <summary>Per metadata row, its patch grid and row in that grid's group (variable sizes only).</summary>
    public IReadOnlyList<PatchLocation>? PatchLocations { get; init; }
}
