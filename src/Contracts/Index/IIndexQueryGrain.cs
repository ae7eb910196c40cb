namespace Pipeline.Contracts.Index;

/// <summary>
/// The query service of one index (key: the index folder's location): fans a query out to the index's shard grains
/// and merges their top k. Stateless: any silo answers.
/// </summary>
[Alias("pipeline.IIndexQueryGrain")]
public interface IIndexQueryGrain : IGrainWithStringKey
{
    /// <summary>What the index is (kind, metric, dimension, rows, shards, model).</summary>
    [Alias("Describe")]
    Task<IndexDescription> DescribeAsync();

    /// <summary>The k nearest neighbours of each query (row-major [queries, dimension]), best first.</summary>
    /// <exception cref="ArgumentException">The queries' dimension is not the index's.</exception>
    [Alias("Search")]
    Task<IReadOnlyList<Neighbor[]>> SearchAsync(float[] queries, int dimension, int k);

    /// <summary>Embeds an image (its encoded bytes) with the model and preprocessing of the embed job the index came from.</summary>
    /// <exception cref="ArgumentException">The image cannot be decoded.</exception>
    [Alias("EmbedImage")]
    Task<float[]> EmbedImageAsync(byte[] image);

    /// <summary>The embedding of an indexed image, read from the embed output, or null when the index has no such image.</summary>
    [Alias("VectorOf")]
    Task<float[]?> VectorOfAsync(string imagePath);
}

/// <summary>One neighbour: its image, score (cosine/ip: similarity; l2: squared distance), index shard and row.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.Neighbor")]
public sealed record Neighbor([property: Id(0)] string ImagePath, [property: Id(1)] float Score, [property: Id(2)] int Shard, [property: Id(3)] int Row);

/// <summary>An index as <c>index.json</c> describes it.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.IndexDescription")]
public sealed record IndexDescription(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Metric,
    [property: Id(2)] int Dimension,
    [property: Id(3)] long Rows,
    [property: Id(4)] int Shards,
    [property: Id(5)] string Embeddings,
    [property: Id(6)] string? Model,
    [property: Id(7)] double? RecallAt10,
    [property: Id(8)] string BuildId,
    [property: Id(9)] IReadOnlyList<int> ShardRows);
