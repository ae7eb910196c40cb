using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

public sealed class RecallTests
{
    [Fact]
    public void Recall_is_the_mean_fraction_of_exact_ids_found()
    {
        var exact = new KnnResult(2, 3, [1, 2, 3, 4, 5, 6], new float[6]);
        var approximate = new KnnResult(2, 3, [3, 1, 9, 7, 8, 9], new float[6]);

        // Query 0: 2 of {1, 2, 3} found; query 1: none of {4, 5, 6}.
        Assert.Equal((2.0 / 3 + 0) / 2, Recall.AtK(approximate, exact, 3), 12);
        // At k = 1 only rank 0 counts on both sides: 1 is not 3, 4 is not 7.
        Assert.Equal(0.0, Recall.AtK(approximate, exact, 1), 12);
    }

    [Fact]
    public void Identical_results_have_recall_one_and_padding_never_counts()
    {
        var exact = new KnnResult(1, 3, [4, -1, -1], new float[3]);
        var approximate = new KnnResult(1, 3, [4, -1, -1], new float[3]);

        Assert.Equal(1.0 / 3, Recall.AtK(approximate, exact, 3), 12);
        Assert.Equal(1.0, Recall.AtK(exact with { }, exact, 1), 12);
    }

    [Fact]
    public void Different_query_counts_are_refused()
    {
        var a = new KnnResult(1, 1, [0], [0f]);
        var b = new KnnResult(2, 1, [0, 1], [0f, 0f]);

        Assert.Throws<ArgumentException>(() => Recall.AtK(a, b, 1));
    }
}
