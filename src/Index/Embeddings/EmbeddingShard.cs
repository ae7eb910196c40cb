using Pipeline.Storage;

namespace Pipeline.Index.Embeddings;

/// <summary>One committed embedding shard: row i of <see cref="Vectors"/> (row-major [Rows, Dimension]) is <see cref="Metadata"/>[i].</summary>
public sealed record EmbeddingShard(int Shard, int Rows, int Dimension, float[] Vectors, IReadOnlyList<EmbeddingMetadataRow> Metadata)
{
    public ReadOnlySpan<float> Row(int row) => Vectors.AsSpan(row * Dimension, Dimension);
}
