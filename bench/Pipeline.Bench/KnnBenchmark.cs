using System.Diagnostics;
using System.Globalization;
using Pipeline.Index;
using Pipeline.Index.Exact;
using TorchSharp;

namespace Pipeline.Bench;

/// <summary>
/// Exact search throughput: queries/s of <see cref="ExactIndex"/> over a seeded Gaussian database, float32 and float16
/// storage, inner product (the peer's faiss IndexFlatIP figure comes from the peer kit (its run.sh, part 3), run
/// separately in the same sitting).
/// </summary>
public static class KnnBenchmark
{
    public sealed record Result(IndexStorage Storage, IndexMetric Metric, int Rows, int Dim, int Queries, int K, double BuildSeconds, double QueriesPerSecond, double SecondsPerSearch);

    /// <summary>pipeline-bench knn [--rows 200000] [--dim 384] [--queries 1000] [-k 10] [--threads 2] [--metric ip|cosine|l2] [--block-rows N]</summary>
    public static int Run(string[] args, int threads)
    {
        int rows = IntOption(args, "--rows", 200_000), dim = IntOption(args, "--dim", 384);
        int queries = IntOption(args, "--queries", 1000), k = IntOption(args, "-k", 10);
        var metric = Option(args, "--metric") switch
        {
            null or "ip" => IndexMetric.InnerProduct,
            "cosine" => IndexMetric.Cosine,
            "l2" => IndexMetric.L2,
            var other => throw new ArgumentException($"unknown --metric {other}: ip, cosine or l2"),
        };
        int? blockRows = Option(args, "--block-rows") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : null;
        string blocking = blockRows is { } n ? $"{n} rows per block" : "blocks from the default memory budget";
        torch.set_num_threads(threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exact kNN: {rows:N0} x {dim} database, {queries:N0} queries, k={k}, {metric}, {threads} threads, {blocking}"));
        var data = Gaussian(rows, dim, seed: 1);
        var query = Gaussian(queries, dim, seed: 2);
        Console.WriteLine($"matrix product: {ExactIndex.ProductBackend}");
        Console.WriteLine($"{"storage",-8} {"build s",8} {"queries/s",10} {"s/search",9}   (best of 3 searches of all queries, after a warm-up)");
        foreach (var storage in new[] { IndexStorage.Float32, IndexStorage.Float16 })
        {
            var r = Measure(data, query, dim, k, metric, storage, blockRows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Storage,-8} {r.BuildSeconds,8:F2} {r.QueriesPerSecond,10:F1} {r.SecondsPerSearch,9:F3}"));
        }
        Console.WriteLine("peer: faiss IndexFlatIP queries/s come from the peer kit (run.sh part 3), measured separately in the same sitting");
        return 0;
    }

    public static Result Measure(float[] data, float[] query, int dim, int k, IndexMetric metric, IndexStorage storage, int? blockRows = null)
    {
        var build = Stopwatch.StartNew();
        using var index = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage, BlockRows = blockRows });
        double buildSeconds = build.Elapsed.TotalSeconds;
        int queries = query.Length / dim;
        index.Search(query.AsSpan(0, Math.Min(queries, 64) * dim), dim, k); // warm-up
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            index.Search(query, dim, k);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return new Result(storage, metric, data.Length / dim, dim, queries, k, buildSeconds, queries / best, best);
    }

    private static float[] Gaussian(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        var data = new float[checked(rows * dim)];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return data;
    }

    private static string? Option(string[] args, string name) => BenchArgs.Option(args, name);

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
