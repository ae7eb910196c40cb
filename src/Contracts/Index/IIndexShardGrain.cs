namespace Pipeline.Contracts.Index;

/// <summary>
/// One shard of a sharded index, loaded once on the silo it activates on and kept for queries. Key:
/// <see cref="IndexGrainKeys.Shard"/>. When its silo dies the next call activates it elsewhere, which loads it again.
/// </summary>
[Alias("pipeline.IIndexShardGrain")]
public interface IIndexShardGrain : IGrainWithStringKey
{
    /// <summary>The top k of each query (row-major [queries, dimension]) in this shard, with image paths.</summary>
    /// <param name="buildId">The <c>index.json</c> build the caller read; a shard loaded from another build reloads first.</param>
    [Alias("Search")]
    Task<ShardSearchResult> SearchAsync(string buildId, float[] queries, int dimension, int k);

    /// <summary>Where an image's row came from (embedding shard and row), or null when this shard does not hold it.</summary>
    [Alias("Locate")]
    Task<EmbeddingRowRef?> LocateAsync(string buildId, string imagePath);
}

/// <summary>A shard's answer: [Queries, K] rows within the shard, their scores and image paths, best first.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ShardSearchResult")]
public sealed record ShardSearchResult([property: Id(0)] int Queries, [property: Id(1)] int K, [property: Id(2)] int[] Rows,
    [property: Id(3)] float[] Scores, [property: Id(4)] string[] Paths);

/// <summary>An image's row in the embed output an index was built from.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.EmbeddingRowRef")]
public sealed record EmbeddingRowRef([property: Id(0)] int Shard, [property: Id(1)] int Row);
