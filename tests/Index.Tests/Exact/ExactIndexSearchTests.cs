using Pipeline.Index;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Tests.Exact;

public sealed class ExactIndexSearchTests
{
    private const int Dim = 24;

    public static TheoryData<IndexMetric, IndexStorage, int, int?> RandomCases()
    {
        var cases = new TheoryData<IndexMetric, IndexStorage, int, int?>();
        foreach (var metric in Enum.GetValues<IndexMetric>())
            foreach (var storage in Enum.GetValues<IndexStorage>())
                foreach (int k in new[] { 1, 10, 1005 })
                    foreach (int? block in new int?[] { null, 100, 128, 1 })
                        cases.Add(metric, storage, k, block);
        return cases;
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Random_data_matches_brute_force(IndexMetric metric, IndexStorage storage, int k, int? blockRows)
    {
        const int rows = 1000, queries = 13;
        var data = TestVectors.Gaussian(rows, Dim, seed: 1);
        var query = TestVectors.Gaussian(queries, Dim, seed: 2);
        using var index = ExactIndex.Build(data, Dim, new ExactIndexOptions { Metric = metric, Storage = storage, BlockRows = blockRows });

        var result = index.Search(query, Dim, k);

        var reference = BruteForce.Rank(BruteForce.Stored(data, Dim, metric, storage), Dim, query, metric);
        AssertMatches(reference, result, Math.Min(k, rows), metric);
    }

    [Fact]
    public void Small_memory_budget_gives_the_same_results()
    {
        var data = TestVectors.Gaussian(777, Dim, seed: 3);
        var query = TestVectors.Gaussian(9, Dim, seed: 4);
        var options = new ExactIndexOptions { Metric = IndexMetric.InnerProduct, MemoryBudgetBytes = 4 * 9 * 2 * 50 };
        using var index = ExactIndex.Build(data, Dim, options);

        Assert.Equal(50, index.BlockRowsFor(9));
        var reference = BruteForce.Rank(BruteForce.Stored(data, Dim, options.Metric, options.Storage), Dim, query, options.Metric);
        AssertMatches(reference, index.Search(query, Dim, 10), 10, options.Metric);
    }

    [Fact]
    public void More_queries_than_one_chunk_are_all_answered()
    {
        int count = ExactIndex.QueryChunk + 77;
        var data = TestVectors.Gaussian(60, 8, seed: 5);
        var query = TestVectors.Gaussian(count, 8, seed: 6);
        using var index = ExactIndex.Build(data, 8, new ExactIndexOptions { Metric = IndexMetric.L2, BlockRows = 16 });

        var result = index.Search(query, 8, 5);

        Assert.Equal(count, result.Queries);
        AssertMatches(BruteForce.Rank(BruteForce.Stored(data, 8, IndexMetric.L2, IndexStorage.Float32), 8, query, IndexMetric.L2), result, 5, IndexMetric.L2);
    }

    public static TheoryData<IndexMetric, IndexStorage, int, int?> TieCases()
    {
        var cases = new TheoryData<IndexMetric, IndexStorage, int, int?>();
        foreach (var metric in Enum.GetValues<IndexMetric>())
            foreach (var storage in Enum.GetValues<IndexStorage>())
                foreach (int k in new[] { 1, 10, 50, 400 })
                    foreach (int? block in new int?[] { null, 7, 64, 1 })
                        cases.Add(metric, storage, k, block);
        return cases;
    }

    /// <summary>Scores here are exact in every precision, so the documented order (equal scores: lower row first) is checked exactly.</summary>
    [Theory]
    [MemberData(nameof(TieCases))]
    public void Equal_scores_come_in_row_order(IndexMetric metric, IndexStorage storage, int k, int? blockRows)
    {
        const int rows = 300, dim = 16;
        var data = TestVectors.Ties(rows, patterns: 6, seed: 7);
        var query = TestVectors.Ties(11, patterns: 11, seed: 8);
        using var index = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage, BlockRows = blockRows });

        var result = index.Search(query, dim, k);

        var reference = BruteForce.Rank(BruteForce.Stored(data, dim, metric, storage), dim, query, metric);
        int kOut = Math.Min(k, rows);
        Assert.Equal(kOut, result.K);
        for (int q = 0; q < result.Queries; q++)
        {
            var expectedRows = reference[q].Take(kOut).Select(h => h.Row).ToArray();
            var expectedScores = reference[q].Take(kOut).Select(h => (float)h.Score).ToArray();
            Assert.Equal(expectedRows, result.Indices.AsSpan(q * kOut, kOut).ToArray());
            Assert.Equal(expectedScores, result.Scores.AsSpan(q * kOut, kOut).ToArray());
        }
    }

    [Fact]
    public void Duplicate_rows_tie_in_row_order_across_blocks()
    {
        const int dim = 8;
        var data = TestVectors.Gaussian(40, dim, seed: 9);
        foreach (int copy in new[] { 3, 17, 18, 39 })
            Array.Copy(data, 25 * dim, data, copy * dim, dim); // rows 3, 17, 18, 25, 39 are identical
        var query = data.AsSpan(25 * dim, dim).ToArray();
        using var index = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = IndexMetric.L2, BlockRows = 6 });

        var result = index.Search(query, dim, 3);

        Assert.Equal(new long[] { 3, 17, 18 }, result.Indices);
        Assert.All(result.Scores, s => Assert.True(s < 1e-4f, $"distance of a row to itself should be ~0, was {s}"));
    }

    private static void AssertMatches(BruteForce.Hit[][] reference, KnnResult result, int k, IndexMetric metric)
    {
        Assert.Equal(reference.Length, result.Queries);
        Assert.Equal(k, result.K);
        for (int q = 0; q < result.Queries; q++)
        {
            var expected = reference[q];
            var scoreOf = expected.ToDictionary(h => h.Row, h => h.Score);
            var seen = new HashSet<long>();
            for (int j = 0; j < k; j++)
            {
                long row = result.Index(q, j);
                double want = expected[j].Score, tol = 2e-4 * Math.Max(1, Math.Abs(want));
                Assert.True(seen.Add(row), $"query {q}: row {row} returned twice");
                Assert.True(Math.Abs(result.Score(q, j) - want) <= tol,
                    $"query {q} rank {j} ({metric}): expected score {want}, got {result.Score(q, j)} for row {row}");
                Assert.True(Math.Abs(scoreOf[row] - want) <= tol,
                    $"query {q} rank {j} ({metric}): row {row} scores {scoreOf[row]} in the reference, rank {j} should score {want} (row {expected[j].Row})");
                // Where no other row is within the tolerance the row itself must match.
                bool isolated = (j == 0 || Math.Abs(expected[j - 1].Score - want) > 2 * tol)
                    && (j + 1 >= expected.Length || Math.Abs(expected[j + 1].Score - want) > 2 * tol);
                if (isolated)
                    Assert.True(expected[j].Row == row, $"query {q} rank {j} ({metric}): expected row {expected[j].Row}, got {row}");
            }
        }
    }
}
