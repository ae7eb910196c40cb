using Pipeline.Index.Exact;
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
    public void WithoutAnOverride_EfSearchIsTheSmallestStepReachingTheTarget_AndTheReopenedShardUsesIt()
    {
        const int dim = 32, rows = 6000;
        var data = Mixture(rows, dim, seed: 1);
        var settings = new ShardBuildSettings { Metric = IndexMetric.Cosine, Storage = IndexStorage.Float16, MemoryBudgetBytes = 64L << 20 };
        var path = Path.Join(folder, "shard.usearch");

        var built = new HnswShardFormat().Build(data, dim, settings, path);

        int ef = (int)built.Parameters["expansion_search"];
        Assert.Contains(ef, HnswShardFormat.ExpansionLadder);
        var probe = HeldOutRecall.Prepare(data, dim, IndexMetric.Cosine, 500, seed: 12345)!;
        using (built.Index)
            Assert.True(probe.Of(built.Index) >= settings.RecallTarget, $"recall at the tuned ef {ef}: {probe.Of(built.Index)}");
        int step = HnswShardFormat.ExpansionLadder.ToList().IndexOf(ef);
        if (step > 0)
        {
            using var smaller = new HnswShardFormat().Open(path, new ShardShape(rows, dim, IndexMetric.Cosine, IndexStorage.Float16,
                new Dictionary<string, long>(built.Parameters) { ["expansion_search"] = HnswShardFormat.ExpansionLadder[step - 1] }));
            Assert.True(probe.Of(smaller) < settings.RecallTarget, "the step below the tuned one should miss the target");
        }

        using var reopened = new HnswShardFormat().Open(path, new ShardShape(rows, dim, IndexMetric.Cosine, IndexStorage.Float16, built.Parameters));
        var queries = data.AsSpan(0, 20 * dim).ToArray();
        using var again = new HnswShardFormat().Open(path, new ShardShape(rows, dim, IndexMetric.Cosine, IndexStorage.Float16, built.Parameters));
        Assert.Equal(reopened.Search(queries, dim, 10).Indices, again.Search(queries, dim, 10).Indices);
        Assert.True(built.Files.All(File.Exists));
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
