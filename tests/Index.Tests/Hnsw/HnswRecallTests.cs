using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

/// <summary>
/// Recall@10 of <see cref="HnswParameters.Choose"/>'s defaults against <see cref="ExactIndex"/> on a 384-d Gaussian
/// mixture (the peer's data shape: 50 centres, sigma 1), with held-out queries from the same mixture.
/// </summary>
public sealed class HnswRecallTests
{
    private const int Dim = 384, Queries = 500, K = 10;
    private const long Budget = 1L << 30;

    [Fact]
    public void Defaults_reach_recall_095_at_20k() => AssertRecall(20_000, IndexStorage.Float16);

    [Fact]
    [Trait("Category", "Slow")]
    public void Defaults_reach_recall_095_at_100k() => AssertRecall(100_000, IndexStorage.Float16);

    [Fact]
    [Trait("Category", "Slow")]
    public void Defaults_reach_recall_095_at_100k_float32() => AssertRecall(100_000, IndexStorage.Float32);

    private static void AssertRecall(int rows, IndexStorage storage, int partitions = 1)
    {
        var data = HnswTestData.Mixture(rows, Dim, seed: 1);
        var queries = HnswTestData.Mixture(Queries, Dim, seed: 2);
        var parameters = HnswParameters.Choose(rows, Dim, storage, Budget);
        using var exact = ExactIndex.Build(data, Dim, new ExactIndexOptions { Metric = IndexMetric.Cosine, Storage = storage });
        var truth = exact.Search(queries, Dim, K);

        using var hnsw = HnswShardIndex.Build(data, Dim, IndexMetric.Cosine, storage, parameters, out var skipped, partitions);
        double recall = Recall.AtK(hnsw.Search(queries, Dim, K), truth, K);

        Assert.Empty(skipped);
        Assert.True(recall >= 0.95, $"recall@10 {recall:F4} at {rows} rows with {parameters} and {hnsw.Partitions} sub-graphs: expected at least 0.95");
    }
}
