using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

public sealed class HnswSearchTests
{
    private static readonly HnswParameters Small = new(16, 64, 64);

    public static TheoryData<IndexMetric, IndexStorage> MetricsAndStorages()
    {
        var cases = new TheoryData<IndexMetric, IndexStorage>();
        foreach (var metric in Enum.GetValues<IndexMetric>())
            foreach (var storage in Enum.GetValues<IndexStorage>())
                cases.Add(metric, storage);
        return cases;
    }

    [Theory]
    [MemberData(nameof(MetricsAndStorages))]
    public void Scores_follow_the_exact_index_conventions(IndexMetric metric, IndexStorage storage)
    {
        const int rows = 64, dim = 64, queries = 20, k = 5;
        var (data, query, expected) = HnswTestData.Separated(rows, dim, queries, seed: 5);
        using var hnsw = HnswShardIndex.Build(data, dim, metric, storage, Small, out var skipped, partitions: 2);
        using var exact = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage });

        var approximate = hnsw.Search(query, dim, k);
        var reference = exact.Search(query, dim, k);

        Assert.Empty(skipped);
        Assert.Equal(2, hnsw.Partitions);
        Assert.Equal(k, approximate.K);
        for (int q = 0; q < queries; q++)
        {
            Assert.True(expected[q] == approximate.Index(q, 0), $"query {q}: expected top-1 row {expected[q]}, got {approximate.Index(q, 0)}");
            Assert.Equal(reference.Index(q, 0), approximate.Index(q, 0));
            for (int r = 0; r < k; r++)
            {
                // The same rows score the same up to float16/float32 rounding of the two implementations.
                long row = approximate.Index(q, r);
                int at = Array.IndexOf(reference.Indices, row, q * k, k) - q * k;
                if (at >= 0)
                    Assert.True(Math.Abs(reference.Score(q, at) - approximate.Score(q, r)) < 2e-3,
                        $"{metric}/{storage} query {q} row {row}: exact score {reference.Score(q, at)}, hnsw {approximate.Score(q, r)}");
                if (r > 0)
                {
                    float previous = approximate.Score(q, r - 1), current = approximate.Score(q, r);
                    Assert.True(metric == IndexMetric.L2 ? previous <= current : previous >= current,
                        $"{metric} query {q}: scores out of order at rank {r}: {previous} then {current}");
                }
            }
        }
    }

    [Fact]
    public void Rows_with_NaN_or_infinity_are_skipped_and_reported()
    {
        const int dim = 8;
        var data = HnswTestData.Mixture(100, dim, seed: 3);
        data[3 * dim + 1] = float.NaN;
        data[50 * dim] = float.PositiveInfinity;
        data[99 * dim + 7] = float.NegativeInfinity;

        using var index = HnswShardIndex.Build(data, dim, IndexMetric.L2, IndexStorage.Float32, Small, out var skipped);
        var result = index.Search(data.AsSpan(0, 3 * dim), dim, k: 100); // rows 0-2: row 3 holds NaN

        Assert.Equal([3L, 50L, 99L], skipped);
        Assert.Equal(97, index.Rows);
        Assert.Equal(97, result.K);
        Assert.DoesNotContain(3L, result.Indices);
        Assert.DoesNotContain(50L, result.Indices);
        Assert.DoesNotContain(99L, result.Indices);
        Assert.Equal(0L, result.Index(0, 0));
        Assert.Equal(0f, result.Score(0, 0));
    }

    [Fact]
    public void Float16_storage_skips_values_beyond_its_range_for_inner_product()
    {
        const int dim = 4;
        var data = HnswTestData.Mixture(20, dim, seed: 4);
        data[5 * dim + 2] = 1e6f;

        using var index = HnswShardIndex.Build(data, dim, IndexMetric.InnerProduct, IndexStorage.Float16, Small, out var skipped);

        Assert.Equal([5L], skipped);
    }

    [Fact]
    public void No_usable_row_is_an_argument_exception()
    {
        var data = new[] { float.NaN, 1f, 2f, float.PositiveInfinity };

        var e = Assert.Throws<ArgumentException>(() => HnswShardIndex.Build(data, 2, IndexMetric.Cosine, IndexStorage.Float32, Small, out _));

        Assert.Contains("all 2 rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_dimension_mismatch_names_both_dimensions()
    {
        var data = HnswTestData.Mixture(30, 12, seed: 6);
        using var index = HnswShardIndex.Build(data, 12, IndexMetric.Cosine, IndexStorage.Float32, Small, out _);

        var e = Assert.Throws<ArgumentException>(() => index.Search(new float[10], 10, 1));

        Assert.Contains("query dimension 10", e.Message, StringComparison.Ordinal);
        Assert.Contains("index dimension 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void K_larger_than_the_rows_returns_every_row_once()
    {
        const int dim = 6;
        var data = HnswTestData.Mixture(40, dim, seed: 7);
        using var index = HnswShardIndex.Build(data, dim, IndexMetric.Cosine, IndexStorage.Float32, Small, out _, partitions: 3);

        var result = index.Search(data.AsSpan(0, 2 * dim), dim, k: 1000);

        Assert.Equal(40, result.K);
        for (int q = 0; q < 2; q++)
            Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), result.Indices.Skip(q * 40).Take(40).Order());
    }
}
