using Pipeline.Index.Exact;
using Pipeline.Index.Sharded;

namespace Pipeline.Index.Tests.Sharded;

/// <summary>The recall probes measured at build: their exact answers are right, so an exact index scores 1.</summary>
public sealed class HeldOutRecallTests
{
    private const int Dim = 8, Rows = 2000;

    private static float[] Data(int seed)
    {
        var random = new Random(seed);
        // Coarse values: many equal distances, so ties are exercised too.
        return Enumerable.Range(0, Rows * Dim).Select(_ => (float)random.Next(-3, 4)).ToArray();
    }

    [Fact]
    public void LeftOut_AnExactIndexOverTheOtherRows_ScoresOne_AndTheSampleIsAQuarterAtMost()
    {
        var data = Data(1);
        var probe = HeldOutRecall.PrepareLeftOut(data, Dim, IndexMetric.L2, queries: 5000, seed: 3)!;
        Assert.Equal(Rows / 4, probe.Queries);
        Assert.Equal(probe.Queries, probe.SampleRows.Distinct().Count());

        var left = probe.SampleRows.ToHashSet();
        var keptRows = Enumerable.Range(0, Rows).Where(r => !left.Contains(r)).ToArray();
        var kept = keptRows.SelectMany(r => data.AsSpan(r * Dim, Dim).ToArray()).ToArray();
        using var exact = new Renumbered(ExactIndex.Build(kept, Dim, new ExactIndexOptions { Metric = IndexMetric.L2 }), keptRows);

        Assert.Equal(1.0, probe.Of(exact), 12);
    }

    [Fact]
    public void LeftOut_AnIndexHoldingTheSampledRows_IsMeasuredWithoutThem()
    {
        // An exact index over every row answers each query with its own row first: that row is not an answer the
        // probe counts, so the score falls below 1.
        var data = Data(2);
        var probe = HeldOutRecall.PrepareLeftOut(data, Dim, IndexMetric.L2, queries: 200, seed: 4)!;
        using var all = ExactIndex.Build(data, Dim, new ExactIndexOptions { Metric = IndexMetric.L2 });
        Assert.True(probe.Of(new Renumbered(all, Enumerable.Range(0, Rows).ToArray())) < 0.95);
    }

    [Fact]
    public void LeftOut_TooSmallAShard_HasNoProbe() =>
        Assert.Null(HeldOutRecall.PrepareLeftOut(new float[100 * Dim], Dim, IndexMetric.Cosine, queries: 500));

    /// <summary>An index over some rows, answering with the original row numbers.</summary>
    private sealed class Renumbered(ExactIndex index, int[] rows) : IShardIndex
    {
        public int Rows => index.Rows;
        public int Dimension => Dim;

        public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k)
        {
            var found = index.Search(queries, dimension, k);
            return new KnnResult(found.Queries, found.K, found.Indices.Select(i => i < 0 ? i : rows[i]).ToArray(), found.Scores);
        }

        public void Dispose() => index.Dispose();
    }
}
