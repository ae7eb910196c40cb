using Pipeline.Index;
using Pipeline.Index.Dedup;
using Pipeline.Index.Exact;

namespace Pipeline.Index.Tests.Dedup;

public sealed class DuplicateClustersTests
{
    /// <summary>Neighbour lists from rows of (id, score) pairs, padded with (-1, NaN) to the longest.</summary>
    private static KnnResult Lists(params (long Id, float Score)[][] rows)
    {
        int k = Math.Max(1, rows.Max(r => r.Length));
        var ids = new long[rows.Length * k];
        var scores = new float[ids.Length];
        Array.Fill(ids, -1);
        Array.Fill(scores, float.NaN);
        for (int q = 0; q < rows.Length; q++)
        {
            for (int j = 0; j < rows[q].Length; j++)
            {
                ids[q * k + j] = rows[q][j].Id;
                scores[q * k + j] = rows[q][j].Score;
            }
        }
        return new KnnResult(rows.Length, k, ids, scores);
    }

    [Theory]
    [InlineData(11, IndexMetric.Cosine)]
    [InlineData(12, IndexMetric.InnerProduct)]
    [InlineData(13, IndexMetric.L2)]
    public void Random_lists_match_a_breadth_first_reference(int seed, IndexMetric metric)
    {
        const int rows = 300, k = 4;
        const float threshold = 0.8f;
        var random = new Random(seed);
        var ids = new long[rows * k];
        var scores = new float[rows * k];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(rows);
            // Scores on a 1/20 grid: many land exactly on the threshold.
            scores[i] = random.Next(21) / 20f;
        }
        var neighbours = new KnnResult(rows, k, ids, scores);

        var result = DuplicateClusters.Find(rows, neighbours, metric, metric == IndexMetric.L2 ? 1 - threshold : threshold);

        var edges = new List<(int, int)>();
        var nearest = Enumerable.Repeat(float.NaN, rows).ToArray();
        for (int q = 0; q < rows; q++)
        {
            for (int j = 0; j < k; j++)
            {
                int other = (int)ids[q * k + j];
                float s = scores[q * k + j];
                if (other == q)
                    continue;
                bool edge = metric == IndexMetric.L2 ? s <= 1 - threshold : s >= threshold;
                if (edge)
                    edges.Add((q, other));
                bool better = metric == IndexMetric.L2 ? s < nearest[q] : s > nearest[q];
                if (float.IsNaN(nearest[q]) || better)
                    nearest[q] = s;
            }
        }
        var minima = GraphReference.ComponentMinima(rows, edges);
        var sizes = minima.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        var clusterMinima = minima.Distinct().Where(m => sizes[m] >= 2).Order().ToList();

        for (int r = 0; r < rows; r++)
        {
            int expectedId = sizes[minima[r]] >= 2 ? clusterMinima.IndexOf(minima[r]) : -1;
            Assert.Equal(expectedId, result.ClusterId[r]);
            Assert.Equal(expectedId < 0 || minima[r] == r, result.Keep[r]);
            Assert.Equal(nearest[r], result.NearestScore[r]);
        }
        Assert.Equal(clusterMinima.Count, result.Clusters);
        Assert.Equal(clusterMinima.Sum(m => sizes[m]), result.ImagesInClusters);
        Assert.Equal(result.ImagesInClusters - result.Clusters, result.Removed);
        Assert.Equal(rows - result.Removed, result.Keep.Count(kept => kept));
        Assert.True(result.Clusters > 5 && result.Clusters < 150, $"the case should hold clusters and singletons; saw {result.Clusters} clusters.");
    }

    [Theory]
    [InlineData(IndexMetric.Cosine)]
    [InlineData(IndexMetric.InnerProduct)]
    public void A_similarity_equal_to_the_threshold_is_an_edge(IndexMetric metric)
    {
        var neighbours = Lists(
            [(1, 0.9f)],
            [(0, 0.9f)],
            [(3, 0.8999999f)],
            []);

        var result = DuplicateClusters.Find(4, neighbours, metric, 0.9f);

        Assert.Equal([0, 0, -1, -1], result.ClusterId);
        Assert.Equal(1, result.Clusters);
    }

    [Fact]
    public void L2_thresholds_squared_distances_from_below()
    {
        // 0-1 at squared distance 0.25 (= threshold), 2-3 at 0.2500001, 4-5 at 0.
        var neighbours = Lists(
            [(0, 0f), (1, 0.25f)],
            [(1, 0f), (0, 0.25f)],
            [(2, 0f), (3, 0.2500001f)],
            [(3, 0f), (2, 0.2500001f)],
            [(4, 0f), (5, 0f)],
            [(5, 0f), (4, 0f), (0, 9f)]);

        var result = DuplicateClusters.Find(6, neighbours, IndexMetric.L2, 0.25f);

        Assert.Equal([0, 0, -1, -1, 1, 1], result.ClusterId);
        Assert.Equal([0.25f, 0.25f, 0.2500001f, 0.2500001f, 0f, 0f], result.NearestScore);
    }

    [Fact]
    public void The_lowest_row_of_each_cluster_is_kept_and_clusters_are_numbered_by_it()
    {
        // Clusters {2, 5, 9} (listed from row 9 only) and {0, 7}; rows 1, 3, 4, 6, 8 alone.
        var lists = new (long, float)[10][];
        for (int r = 0; r < 10; r++)
            lists[r] = [];
        lists[9] = [(5, 0.99f), (2, 0.98f)];
        lists[7] = [(0, 0.97f)];
        var result = DuplicateClusters.Find(10, Lists(lists), IndexMetric.Cosine, 0.95f);

        Assert.Equal([0, -1, 1, -1, -1, 1, -1, 0, -1, 1], result.ClusterId);
        Assert.Equal([true, true, true, true, true, false, true, false, true, false], result.Keep);
        Assert.Equal(2, result.Clusters);
        Assert.Equal(5, result.ImagesInClusters);
        Assert.Equal(3, result.Removed);
        Assert.Equal(7, result.Kept);
        Assert.Equal([[0, 7], [2, 5, 9]], result.Members());
    }

    [Fact]
    public void Self_edges_and_padding_are_ignored()
    {
        var neighbours = Lists(
            [(0, 1f), (1, 0.5f)],
            [(1, 1f), (-1, 1f)],
            [(2, 1f), (0, float.NaN)]);

        var result = DuplicateClusters.Find(3, neighbours, IndexMetric.Cosine, 0.9f);

        Assert.Equal([-1, -1, -1], result.ClusterId);
        Assert.All(result.Keep, Assert.True);
        Assert.Equal(0, result.Clusters);
        Assert.Equal(0, result.Removed);
        Assert.Equal(0.5f, result.NearestScore[0]);
        Assert.True(float.IsNaN(result.NearestScore[1]), $"row 1 lists only itself; nearest was {result.NearestScore[1]}.");
        Assert.True(float.IsNaN(result.NearestScore[2]), $"row 2 lists only itself and padding; nearest was {result.NearestScore[2]}.");
    }

    [Fact]
    public void Planted_near_duplicates_are_found_through_an_exact_index()
    {
        const int rows = 400, dim = 32;
        var random = new Random(21);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        // Groups: rows 10, 50, 390 and rows 3, 4; each copy differs from row 10 / 3 by noise of 1e-3.
        int[][] groups = [[10, 50, 390], [3, 4]];
        foreach (var group in groups)
        {
            foreach (int copy in group.Skip(1))
            {
                for (int d = 0; d < dim; d++)
                    data[copy * dim + d] = data[group[0] * dim + d] + (float)(random.NextDouble() - 0.5) * 2e-3f;
            }
        }
        using var index = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = IndexMetric.Cosine });

        var result = DuplicateClusters.Find(rows, index.Search(data, dim, 5), IndexMetric.Cosine, 0.99f);

        Assert.Equal([[3, 4], [10, 50, 390]], result.Members());
        Assert.Equal(3, result.Removed);
        Assert.False(result.Keep[4] || result.Keep[50] || result.Keep[390], "the copies should be removed.");
        Assert.True(result.NearestScore[50] > 0.99f, $"row 50 is a near copy of row 10; nearest score was {result.NearestScore[50]}.");
    }

    [Fact]
    public void Query_rows_map_a_search_of_some_rows_onto_the_corpus()
    {
        // Rows 1 and 3 were skipped (e.g. NaN embeddings): only rows 0, 2, 4 were queries.
        var neighbours = Lists(
            [(0, 1f), (4, 0.95f)],
            [(2, 1f), (0, 0.5f)],
            [(4, 1f), (0, 0.95f)]);

        var result = DuplicateClusters.Find(5, [0, 2, 4], neighbours, IndexMetric.Cosine, 0.9f);

        Assert.Equal([0, -1, -1, -1, 0], result.ClusterId);
        Assert.Equal([true, true, true, true, false], result.Keep);
        Assert.True(float.IsNaN(result.NearestScore[1]) && float.IsNaN(result.NearestScore[3]), "rows never searched have no nearest score.");
        Assert.Equal(0.5f, result.NearestScore[2]);
    }

    [Fact]
    public void Arguments_are_checked_with_clear_messages()
    {
        var neighbours = Lists([(1, 0.9f)], [(0, 0.9f)]);

        var count = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(3, neighbours, IndexMetric.Cosine, 0.9f));
        Assert.Contains("2 queries but there are 3 rows", count.Message);

        var nan = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(2, neighbours, IndexMetric.Cosine, float.NaN));
        Assert.Contains("NaN", nan.Message);

        var outside = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(2, Lists([(1, 0.9f)], [(7, 0.9f)]), IndexMetric.Cosine, 0.9f));
        Assert.Contains("neighbour 0 of row 1 is row 7", outside.Message);

        var queryRows = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(5, [0, 0], neighbours, IndexMetric.Cosine, 0.9f));
        Assert.Contains("row 0 is the row of two queries", queryRows.Message);

        var queryRange = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(2, [0, 2], neighbours, IndexMetric.Cosine, 0.9f));
        Assert.Contains("query 1 is row 2", queryRange.Message);

        var queryCount = Assert.Throws<ArgumentException>(() => DuplicateClusters.Find(2, [0], neighbours, IndexMetric.Cosine, 0.9f));
        Assert.Contains("1 query rows are given for 2 neighbour lists", queryCount.Message);
    }

    [Fact]
    public void No_rows_give_an_empty_result()
    {
        var result = DuplicateClusters.Find(0, new KnnResult(0, 0, [], []), IndexMetric.Cosine, 0.9f);

        Assert.Equal(0, result.Rows);
        Assert.Equal(0, result.Clusters);
        Assert.Empty(result.Members());
    }
}
