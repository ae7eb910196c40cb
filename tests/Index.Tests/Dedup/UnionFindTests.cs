using Pipeline.Index.Dedup;

namespace Pipeline.Index.Tests.Dedup;

public sealed class UnionFindTests
{
    [Theory]
    [InlineData(1, 200, 50)]
    [InlineData(2, 200, 150)]
    [InlineData(3, 200, 400)]
    [InlineData(4, 1000, 900)]
    [InlineData(5, 1, 0)]
    public void Components_equal_breadth_first_search(int seed, int nodes, int edges)
    {
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, edges).Select(_ => (random.Next(nodes), random.Next(nodes))).ToArray();
        var sets = new UnionFind(nodes);
        foreach (var (a, b) in pairs)
            sets.Union(a, b);

        var expected = GraphReference.ComponentMinima(nodes, pairs);
        var actualMinima = new int[nodes];
        var minimumOfRoot = new Dictionary<int, int>();
        for (int v = 0; v < nodes; v++)
        {
            int root = sets.Find(v);
            if (!minimumOfRoot.ContainsKey(root))
                minimumOfRoot[root] = v; // v ascending: the first member met is the smallest
            actualMinima[v] = minimumOfRoot[root];
        }
        Assert.Equal(expected, actualMinima);
        Assert.Equal(expected.Distinct().Count(), sets.Sets);
        for (int v = 0; v < nodes; v++)
            Assert.Equal(expected.Count(m => m == expected[v]), sets.SizeOf(v));
    }

    [Fact]
    public void Union_reports_whether_it_merged()
    {
        var sets = new UnionFind(4);
        Assert.True(sets.Union(0, 1));
        Assert.True(sets.Union(2, 3));
        Assert.False(sets.Union(1, 0));
        Assert.True(sets.Union(1, 3));
        Assert.False(sets.Union(0, 2));
        Assert.Equal(1, sets.Sets);
        Assert.Equal(4, sets.SizeOf(2));
    }
}
