using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

/// <summary>
/// The binding's native search is not thread-safe; <see cref="HnswShardIndex"/> lends each native instance to one
/// thread at a time. Without that (checked by removing the pool's locking), these tests fail: results differ or the
/// native library reports exhausted search contexts (seen: "Reserve capacity ahead of searches!").
/// </summary>
public sealed class HnswConcurrencyTests : IDisposable
{
    private const int Dim = 48, Threads = 16, QueriesPerThread = 60, K = 10;
    private readonly HnswTestData.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Many_threads_searching_at_once_get_the_sequential_results(bool opened)
    {
        var data = HnswTestData.Mixture(6000, Dim, seed: 21);
        var queries = HnswTestData.Mixture(Threads * QueriesPerThread, Dim, seed: 22);
        var parameters = new HnswParameters(16, 64, 64);
        using var built = HnswShardIndex.Build(data, Dim, IndexMetric.Cosine, IndexStorage.Float16, parameters, out _, partitions: 2);
        HnswShardIndex index = built;
        HnswShardIndex? reopened = null;
        if (opened)
        {
            string path = Path.Combine(_folder.Path, "concurrent.hnsw");
            built.Save(path);
            index = reopened = HnswShardIndex.Open(path, Dim, IndexMetric.Cosine, maxConcurrentSearches: Threads);
        }
        try
        {
            // Sequential truth: one query per call, one thread, at two efSearch values (threads alternate between
            // them, so an instance's ef changing under another thread would show too).
            var expected = new KnnResult[queries.Length / Dim, 2];
            int[] efs = [32, 96];
            for (int q = 0; q < queries.Length / Dim; q++)
                for (int e = 0; e < 2; e++)
                    expected[q, e] = index.Search(queries.AsSpan(q * Dim, Dim), Dim, K, efs[e]);

            int mismatches = 0;
            string? first = null;
            using var start = new Barrier(Threads);
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int round = 0; round < 3; round++)
                {
                    for (int i = 0; i < QueriesPerThread; i++)
                    {
                        int q = t * QueriesPerThread + i, e = (i + t + round) % 2;
                        string? problem;
                        try
                        {
                            var result = index.Search(queries.AsSpan(q * Dim, Dim), Dim, K, efs[e]);
                            problem = SameResult(expected[q, e], result) ? null
                                : $"query {q} at ef {efs[e]}: sequential [{string.Join(',', expected[q, e].Indices)}], concurrent [{string.Join(',', result.Indices)}]";
                        }
                        catch (Exception ex)
                        {
                            // An exception on a raw thread would take the test host down; report it as a failure.
                            problem = $"query {q} at ef {efs[e]} threw {ex.GetType().Name}: {ex.Message}";
                        }
                        if (problem is not null && Interlocked.Increment(ref mismatches) == 1)
                            first = problem;
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.True(mismatches == 0, $"{mismatches} of {Threads * QueriesPerThread * 3} concurrent searches differ from the sequential ones; first: {first}");
            if (opened)
                Assert.True(index.InstanceCount > index.Partitions, $"expected more than one view per sub-graph, saw {index.InstanceCount}");
        }
        finally
        {
            reopened?.Dispose();
        }
    }

    [Fact]
    public void Concurrent_batch_searches_match_one_batch_search()
    {
        var data = HnswTestData.Mixture(5000, Dim, seed: 23);
        var queries = HnswTestData.Mixture(300, Dim, seed: 24);
        using var index = HnswShardIndex.Build(data, Dim, IndexMetric.L2, IndexStorage.Float32, new HnswParameters(12, 48, 48), out _, partitions: 2);
        var expected = index.Search(queries, Dim, K);

        var results = new KnnResult[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i => results[i] = index.Search(queries, Dim, K));

        foreach (var result in results)
        {
            Assert.Equal(expected.Indices, result.Indices);
            Assert.Equal(expected.Scores, result.Scores);
        }
    }

    private static bool SameResult(KnnResult a, KnnResult b) =>
        a.Indices.AsSpan().SequenceEqual(b.Indices) && a.Scores.AsSpan().SequenceEqual(b.Scores);
}
