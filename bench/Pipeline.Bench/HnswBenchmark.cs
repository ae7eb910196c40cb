using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;
using Pipeline.Index.Sharded;
using TorchSharp;

namespace Pipeline.Bench;

/// <summary>
/// HNSW build time, recall@10 and queries/s per efSearch on the peer's own files (the peer kit's part 4: the first
/// 100k of a 200k x 384 Gaussian mixture, 1000 held-out queries, exact ground truth), with the peer's hnswlib settings
/// (M=16, efConstruction=200) and with <see cref="HnswParameters.Choose"/>'s; plus <see cref="ExactIndex"/> queries/s on
/// part 3's 200k vectors. One JSON line per figure; ratios against the peer's latest results file when there is one.
/// </summary>
public static class HnswBenchmark
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>pipeline-bench hnsw [--vectors /tmp/peer_vectors] [--ef 16,32,64,128,256] [--storage float32|float16] [--configs peer,choose,pipeline] [--partitions 1] [--budget-mib 1024] [--peer-results DIR] [--no-exact]</summary>
    public static int Run(string[] args, int threads)
    {
        string folder = Option(args, "--vectors") ?? "/tmp/peer_vectors";
        var efs = (Option(args, "--ef") ?? "16,32,64,128,256").Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToArray();
        var storage = Enum.Parse<IndexStorage>(Option(args, "--storage") ?? "float32", ignoreCase: true);
        var configs = (Option(args, "--configs") ?? "peer,choose,pipeline").Split(',');
        int partitions = int.Parse(Option(args, "--partitions") ?? "1", CultureInfo.InvariantCulture);
        long budget = long.Parse(Option(args, "--budget-mib") ?? "1024", CultureInfo.InvariantCulture) * 1024 * 1024;
        string peerFolder = Option(args, "--peer-results") ?? Environment.GetEnvironmentVariable("PEER_OUT") ?? "/tmp/peer-results";
        if (!File.Exists(Path.Combine(folder, "xb.npy")))
        {
            Console.Error.WriteLine($"no peer vectors in {folder}: run the peer kit's run.sh --parts 3,4 first (it writes them there)");
            return 2;
        }
        var data = HnswPeerData.Load(folder);
        int dim = data.Dimension, n = Math.Min(100_000, data.BaseRows), k = 10;
        var baseRows = data.Base.AsSpan(0, n * dim).ToArray();
        var truth = new KnnResult(data.QueryRows, data.TruthK, data.TruthHnsw, new float[data.TruthHnsw.Length]);
        var peer = HnswPeerData.PeerResults(peerFolder);
        Line(new { kind = "setup", rows = n, queries = data.QueryRows, dim, k, storage = storage.ToString(), metric = "Cosine", threads = Environment.ProcessorCount, cpu = CpuModel() });

        var rows = new List<(string Config, int Ef, double Recall, double Qps)>();
        var builds = new Dictionary<string, double>();
        foreach (string config in configs.Where(c => c == "pipeline"))
        {
            // What an index job builds: the shard format with Choose's parameters and efSearch tuned on the shard.
            var folderPath = Directory.CreateTempSubdirectory("hnsw-bench-").FullName;
            var watch = Stopwatch.StartNew();
            var built = new HnswShardFormat().Build(baseRows, dim, new ShardBuildSettings { Metric = IndexMetric.Cosine, Storage = storage, MemoryBudgetBytes = budget },
                Path.Join(folderPath, "shard.usearch"));
            builds[config] = watch.Elapsed.TotalSeconds;
            Line(new { kind = "build", config, parameters = built.Parameters, build_and_tune_s = Math.Round(builds[config], 2), vm_hwm_mib = Math.Round(HnswMemoryBenchmark.PeakRssMiB()) });
            using (built.Index)
            {
                var result = built.Index.Search(data.Queries, dim, k);
                var times = new List<double>();
                var total = Stopwatch.StartNew();
                while (times.Count < 3 || total.Elapsed.TotalSeconds < 1)
                {
                    var one = Stopwatch.StartNew();
                    built.Index.Search(data.Queries, dim, k);
                    times.Add(one.Elapsed.TotalSeconds);
                }
                times.Sort();
                double recall = Recall.AtK(result, truth, k), qps = data.Queries.Length / dim / times[times.Count / 2];
                int ef = (int)built.Parameters["expansion_search"];
                rows.Add((config, ef, recall, qps));
                Line(new { kind = "search", config, ef, recall_at_10 = Math.Round(recall, 4), qps = Math.Round(qps, 1), threads = Environment.ProcessorCount });
            }
            Directory.Delete(folderPath, recursive: true);
        }
        foreach (string config in configs.Where(c => c != "pipeline"))
        {
            // peer: hnswlib's M=16, efConstruction=200; choose: HnswParameters.Choose for this shard and budget.
            var (parameters, configPartitions) = config switch
            {
                "peer" => (new HnswParameters(16, 200, efs[0]), partitions),
                "choose" => (HnswParameters.Choose(n, dim, storage, budget), partitions),
                _ => throw new ArgumentException($"unknown config {config}: peer, choose or pipeline"),
            };
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using var index = HnswShardIndex.Build(baseRows, dim, IndexMetric.Cosine, storage, parameters, out _, configPartitions);
            double buildSeconds = watch.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            builds[config] = buildSeconds;
            Line(new { kind = "build", config, connectivity = parameters.Connectivity, expansion_add = parameters.ExpansionAdd, partitions = index.Partitions, build_s = Math.Round(buildSeconds, 2), build_cpu_s = Math.Round(cpuSeconds, 1), vm_hwm_mib = Math.Round(HnswMemoryBenchmark.PeakRssMiB()) });
            var sweep = config == "choose" ? efs.Append(parameters.ExpansionSearch).Distinct().Order().ToArray() : efs;
            foreach (int ef in sweep)
            {
                var (recall, qps) = MeasureSearch(index, data.Queries, dim, k, ef, truth);
                rows.Add((config, ef, recall, qps));
                Line(new { kind = "search", config, ef, recall_at_10 = Math.Round(recall, 4), qps = Math.Round(qps, 1), threads = Environment.ProcessorCount });
            }
        }

        double? exactQps = null;
        if (!args.Contains("--no-exact"))
        {
            torch.set_num_threads(threads);
            var exact = KnnBenchmark.Measure(data.Base, data.Queries, dim, k, IndexMetric.InnerProduct, IndexStorage.Float32);
            exactQps = exact.QueriesPerSecond;
            Line(new { kind = "exact", rows = exact.Rows, storage = "Float32", metric = "InnerProduct", build_s = Math.Round(exact.BuildSeconds, 3), qps = Math.Round(exact.QueriesPerSecond, 1), threads });
        }
        if (peer is { } parts)
            Line(Ratios(parts, rows, builds, exactQps));
        else
            Line(new { kind = "ratios", note = $"no peer results in {peerFolder}: run the peer kit's run.sh --parts 3,4 in the same sitting" });
        return 0;
    }

    private static (double Recall, double Qps) MeasureSearch(HnswShardIndex index, float[] queries, int dim, int k, int ef, KnnResult truth)
    {
        var result = index.Search(queries, dim, k, ef); // warm-up, and the result recall is measured on
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || total.Elapsed.TotalSeconds < 1)
        {
            var watch = Stopwatch.StartNew();
            index.Search(queries, dim, k, ef);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return (Recall.AtK(result, truth, k), queries.Length / dim / times[times.Count / 2]);
    }

    private static object Ratios(JsonElement parts, List<(string Config, int Ef, double Recall, double Qps)> ours, Dictionary<string, double> builds, double? exactQps)
    {
        double? faissFlat = parts.TryGetProperty("knn_exact", out var knn) ? knn.GetProperty("faiss_flat").GetProperty("qps_median").GetDouble() : null;
        double? hnswlibBuild = null, hnswlibQps = null;
        int? hnswlibEf = null;
        if (parts.TryGetProperty("hnsw", out var hnsw))
        {
            var lib = hnsw.GetProperty("hnswlib");
            hnswlibBuild = lib.GetProperty("build_s").GetDouble();
            var first = lib.GetProperty("search").EnumerateArray()
                .Where(r => r.GetProperty("threads").GetInt32() == 2 && r.GetProperty("recall_at_10").GetDouble() >= 0.95)
                .OrderBy(r => r.GetProperty("ef").GetInt32()).Cast<JsonElement?>().FirstOrDefault();
            if (first is { } f)
            {
                hnswlibEf = f.GetProperty("ef").GetInt32();
                hnswlibQps = f.GetProperty("qps_median").GetDouble();
            }
        }
        // Per config: build time over hnswlib's, and q/s at the first ef reaching recall 0.95 over hnswlib's first such ef.
        var perConfig = builds.ToDictionary(b => b.Key, b =>
        {
            var best = ours.Where(r => r.Config == b.Key && r.Recall >= 0.95).OrderBy(r => r.Ef).Cast<(string Config, int Ef, double Recall, double Qps)?>().FirstOrDefault();
            return new
            {
                build_s_over_hnswlib = b.Value / hnswlibBuild,
                qps_at_recall95_over_hnswlib = best?.Qps / hnswlibQps,
                at_recall95 = best is { } x ? $"ef={x.Ef} recall {x.Recall:F4} {x.Qps:F0} q/s" : null,
            };
        });
        return new
        {
            kind = "ratios",
            exact_qps_over_faiss_flat = exactQps / faissFlat,
            faiss_flat_qps = faissFlat,
            hnswlib_build_s = hnswlibBuild,
            hnswlib_at_recall95 = hnswlibEf is { } e ? $"ef={e} {hnswlibQps:F0} q/s (2 threads)" : null,
            configs = perConfig,
        };
    }

    private static void Line(object value) => Console.WriteLine(JsonSerializer.Serialize(value, Json));

    internal static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    internal static string? Option(string[] args, string name) => BenchArgs.Option(args, name);
}
