using Pipeline.Index;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Tests.Exact;

public sealed class ExactIndexBuildTests
{
    private const int Dim = 12;

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinity")]
    public void Non_finite_row_is_rejected_naming_the_first_one(float bad, string what)
    {
        var data = TestVectors.Gaussian(50, Dim, seed: 1);
        data[7 * Dim + 3] = bad;
        data[20 * Dim] = bad;

        var e = Assert.Throws<ArgumentException>(() => ExactIndex.Build(data, Dim, new ExactIndexOptions()));

        Assert.Contains("row 7 of 50", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void Value_beyond_float16_is_rejected_for_float16_storage()
    {
        var data = TestVectors.Gaussian(10, Dim, seed: 2);
        data[4 * Dim + 1] = 70000f;
        var options = new ExactIndexOptions { Metric = IndexMetric.InnerProduct, Storage = IndexStorage.Float16 };

        var e = Assert.Throws<ArgumentException>(() => ExactIndex.Build(data, Dim, options));

        Assert.Contains("row 4 of 10", e.Message);
        Assert.Contains("float16", e.Message);
        // Cosine normalises before rounding, so the same row is fine there.
        using var cosine = ExactIndex.Build(data, Dim, options with { Metric = IndexMetric.Cosine });
        Assert.Equal(10, cosine.Rows);
    }

    [Theory]
    [InlineData(IndexStorage.Float32)]
    [InlineData(IndexStorage.Float16)]
    public void Skipping_build_reports_bad_rows_and_keeps_input_row_numbers(IndexStorage storage)
    {
        const int rows = 200;
        var data = TestVectors.Gaussian(rows, Dim, seed: 3);
        foreach (int bad in new[] { 0, 13, 14, 150, 199 })
            data[bad * Dim + 5] = bad == 13 ? float.NegativeInfinity : float.NaN;
        var query = TestVectors.Gaussian(6, Dim, seed: 4);
        var options = new ExactIndexOptions { Metric = IndexMetric.Cosine, Storage = storage, BlockRows = 32 };

        using var index = ExactIndex.Build(data, Dim, options, out var skipped);
        var result = index.Search(query, Dim, 500);

        Assert.Equal(new long[] { 0, 13, 14, 150, 199 }, skipped);
        Assert.Equal(rows - 5, index.Rows);
        Assert.Equal(rows - 5, result.K);
        var keptRows = Enumerable.Range(0, rows).Where(r => !skipped.Contains(r)).ToArray();
        var kept = keptRows.SelectMany(r => data.AsSpan(r * Dim, Dim).ToArray()).ToArray();
        var reference = BruteForce.Rank(BruteForce.Stored(kept, Dim, options.Metric, storage), Dim, query, options.Metric,
            keptRows.Select(r => (long)r).ToArray());
        for (int q = 0; q < result.Queries; q++)
        {
            Assert.DoesNotContain(result.Indices.AsSpan(q * result.K, result.K).ToArray(), i => skipped.Contains(i));
            Assert.Equal(reference[q][0].Row, result.Index(q, 0));
            Assert.Equal(keptRows.Order().Select(r => (long)r), result.Indices.AsSpan(q * result.K, result.K).ToArray().Order());
        }
    }

    [Fact]
    public void Skipping_build_without_bad_rows_reports_none()
    {
        using var index = ExactIndex.Build(TestVectors.Gaussian(5, Dim, seed: 5), Dim, new ExactIndexOptions(), out var skipped);
        Assert.Empty(skipped);
        Assert.Equal(5, index.Rows);
    }

    [Fact]
    public void All_rows_bad_is_an_error()
    {
        var data = Enumerable.Repeat(float.NaN, 3 * Dim).ToArray();
        var e = Assert.Throws<ArgumentException>(() => ExactIndex.Build(data, Dim, new ExactIndexOptions(), out _));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Empty_input_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => ExactIndex.Build(ReadOnlySpan<float>.Empty, Dim, new ExactIndexOptions()));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Partial_row_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => ExactIndex.Build(new float[Dim + 1], Dim, new ExactIndexOptions()));
        Assert.Contains($"dimension {Dim}", e.Message);
    }

    [Fact]
    public void Query_dimension_mismatch_names_both_dimensions()
    {
        using var index = ExactIndex.Build(TestVectors.Gaussian(10, Dim, seed: 6), Dim, new ExactIndexOptions());

        var e = Assert.Throws<ArgumentException>(() => index.Search(new float[2 * (Dim - 1)], Dim - 1, 3));

        Assert.Contains($"query dimension {Dim - 1}", e.Message);
        Assert.Contains($"index dimension {Dim}", e.Message);
    }

    [Fact]
    public void Non_finite_query_is_an_error()
    {
        using var index = ExactIndex.Build(TestVectors.Gaussian(10, Dim, seed: 7), Dim, new ExactIndexOptions());
        var query = TestVectors.Gaussian(3, Dim, seed: 8);
        query[2 * Dim + 4] = float.NaN;

        var e = Assert.Throws<ArgumentException>(() => index.Search(query, Dim, 3));

        Assert.Contains("query 2", e.Message);
    }

    [Fact]
    public void No_queries_give_an_empty_result()
    {
        using var index = ExactIndex.Build(TestVectors.Gaussian(10, Dim, seed: 10), Dim, new ExactIndexOptions());
        var result = index.Search(ReadOnlySpan<float>.Empty, Dim, 3);
        Assert.Equal(0, result.Queries);
        Assert.Empty(result.Indices);
    }

    [Fact]
    public void K_below_one_is_an_error()
    {
        using var index = ExactIndex.Build(TestVectors.Gaussian(10, Dim, seed: 9), Dim, new ExactIndexOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[Dim], Dim, 0));
    }
}
