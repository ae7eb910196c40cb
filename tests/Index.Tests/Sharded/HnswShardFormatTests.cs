using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;
using Pipeline.Index.Sharded;

namespace Pipeline.Index.Tests.Sharded;

/// <summary>The HNSW shard format as an index job uses it: efSearch tuned on the shard to a recall target, written and reopened.</summary>
public sealed class HnswShardFormatTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hnsw-format-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static float[] Mixture(int rows, int dim, int seed)
    {
        var centres = new Random(99);
        var centre = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, dim).Select(_ => centres.NextDouble() * 2 - 1).ToArray()).ToArray();
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            var c = centre[random.Next(centre.Length)];
            for (int d = 0; d < dim; d++) data[r * dim + d] = (float)(c[d] + 0.4 * (random.NextDouble() * 2 - 1));
        }
        return data;
    }

    [Fact]
    public void WithoutAnOverride_EfSearchIsTheSmallestStepReachingTheTargetOnRowsLeftOut_AndTheReopenedShardUsesIt()
    {
        const int dim = 32, rows = 6000;
        var data = Mixture(rows, dim, seed: 1);
        // One build thread: the same graph every time, so the test can rebuild the graph the format tuned.
        var settings = new ShardBuildSettings { Metric = IndexMetric.Cosine, Storage = IndexStorage.Float16, MemoryBudgetBytes = 64L << 20, BuildThreads = 1, RecallSeed = 7 };
        var path = Path.Join(folder, "shard.usearch");

        var built = new HnswShardFormat().Build(data, dim, settings, path);

        int ef = (int)built.Parameters["expansion_search"];
        Assert.Contains(ef, HnswShardFormat.ExpansionLadder);
        using (built.Index)
            Assert.Equal(rows, built.Index.Rows); // the held-out rows joined the graph after tuning

        // The same graph before the held-out rows joined it, measured on them.
        var probe = HeldOutRecall.PrepareLeftOut(data, dim, IndexMetric.Cosine, settings.RecallQueries, seed: 7)!;
        var parameters = HnswParameters.Choose(rows, dim, IndexStorage.Float16, settings.MemoryBudgetBytes);
        using var graph = HnswShardIndex.Build(data, dim, IndexMetric.Cosine, IndexStorage.Float16, parameters, out _, threads: 1, holdBack: probe.SampleRows);
        Assert.Equal((rows - probe.Queries, probe.Queries), (graph.Rows, graph.HeldBackRows));
        double At(int expansion) => probe.Of(new ShardAt(graph, expansion));
        Assert.True(At(ef) >= settings.RecallTarget, $"recall at the tuned ef {ef}: {At(ef)}");
        Assert.Equal(At(ef), built.Recall!.Value, 9);
        int step = HnswShardFormat.ExpansionLadder.ToList().IndexOf(ef);
        if (step > 0)
            Assert.True(At(HnswShardFormat.ExpansionLadder[step - 1]) < settings.RecallTarget, "the step below the tuned one should miss the target");

        using var reopened = new HnswShardFormat().Open(path, new ShardShape(rows, dim, IndexMetric.Cosine, IndexStorage.Float16, built.Parameters));
        var queries = data.AsSpan(0, 20 * dim).ToArray();
        using var again = new HnswShardFormat().Open(path, new ShardShape(rows, dim, IndexMetric.Cosine, IndexStorage.Float16, built.Parameters));
        Assert.Equal(reopened.Search(queries, dim, 10).Indices, again.Search(queries, dim, 10).Indices);
        Assert.True(built.Files.All(File.Exists));
    }

    [Fact]
    public void AHeldOutRow_IsNotInTheGraphUntilAdded_AndTheIndexCannotBeSavedWithoutIt()
    {
        const int dim = 16;
        var data = Mixture(3000, dim, seed: 3);
        using var index = HnswShardIndex.Build(data, dim, IndexMetric.Cosine, IndexStorage.Float32, new HnswParameters(16, 64, 64), out _, holdBack: [5, 17]);
        var own = data.AsSpan(5 * dim, dim).ToArray();
        Assert.NotEqual(5, index.Search(own, dim, 1).Index(0, 0));
        Assert.Throws<InvalidOperationException>(() => index.Save(Path.Join(folder, "early.usearch")));

        index.AddHeldBack();

        Assert.Equal((3000, 0), (index.Rows, index.HeldBackRows));
        Assert.Equal(5, index.Search(own, dim, 1).Index(0, 0));
    }

    private sealed class ShardAt(HnswShardIndex index, int expansion) : IShardIndex
    {
        public int Rows => index.Rows;
        public int Dimension => index.Dimension;
        public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k) => index.Search(queries, dimension, k, expansion);
        public void Dispose() { }
    }

    [Fact]
    public void AnExplicitEfSearch_IsKept()
    {
        const int dim = 16;
        var data = Mixture(3000, dim, seed: 2);
        var built = new HnswShardFormat().Build(data, dim, new ShardBuildSettings { ExpansionSearch = 77, MemoryBudgetBytes = 64L << 20 }, Path.Join(folder, "x.usearch"));
        using (built.Index)
            Assert.Equal(77, built.Parameters["expansion_search"]);
    }
}
