using System.Diagnostics;
using System.Globalization;
using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Bench;

/// <summary>
/// Peak resident memory (VmHWM) of building one float16 HNSW shard of synthetic 384-d Gaussian-mixture rows with
/// <see cref="HnswParameters.Choose"/>'s parameters. The float32 input itself is part of the peak, so the line reports
/// the peak before the build (input generated) and after it.
/// </summary>
public static class HnswMemoryBenchmark
{
    /// <summary>pipeline-bench hnsw-memory [--rows 1000000] [--dim 384] [--budget-mib 4096] [--partitions 1]</summary>
    public static int Run(string[] args)
    {
        int rows = int.Parse(BenchArgs.Option(args, "--rows") ?? "1000000", CultureInfo.InvariantCulture);
        int dim = int.Parse(BenchArgs.Option(args, "--dim") ?? "384", CultureInfo.InvariantCulture);
        long budget = long.Parse(BenchArgs.Option(args, "--budget-mib") ?? "4096", CultureInfo.InvariantCulture) * 1024 * 1024;
        int partitions = int.Parse(BenchArgs.Option(args, "--partitions") ?? "1", CultureInfo.InvariantCulture);
        var parameters = HnswParameters.Choose(rows, dim, IndexStorage.Float16, budget);
        var data = Mixture(rows, dim, centres: 50, seed: 1);
        double before = PeakRssMiB();
        var watch = Stopwatch.StartNew();
        using var index = HnswShardIndex.Build(data, dim, IndexMetric.Cosine, IndexStorage.Float16, parameters, out _, partitions);
        double seconds = watch.Elapsed.TotalSeconds;
        double after = PeakRssMiB();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"kind\":\"hnsw_memory\",\"rows\":{rows},\"dim\":{dim},\"storage\":\"Float16\",\"connectivity\":{parameters.Connectivity},\"expansion_add\":{parameters.ExpansionAdd},\"partitions\":{index.Partitions}," +
            $"\"build_s\":{seconds:F1},\"input_mib\":{rows * (double)dim * 4 / 1048576:F0},\"vm_hwm_before_build_mib\":{before:F0},\"vm_hwm_after_build_mib\":{after:F0}," +
            $"\"estimate_mib\":{HnswParameters.EstimateBytes(rows, dim, IndexStorage.Float16, parameters.Connectivity) / 1048576.0:F0}}}"));
        return 0;
    }

    /// <summary>VmHWM of this process from /proc/self/status, MiB (NaN where there is no /proc).</summary>
    internal static double PeakRssMiB()
    {
        if (!File.Exists("/proc/self/status"))
            return double.NaN;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>Rows = one of <paramref name="centres"/> N(0, I) centres + N(0, I) noise, seeded (the peer's mixture shape).</summary>
    internal static float[] Mixture(int rows, int dim, int centres, int seed)
    {
        var random = new Random(seed);
        var centre = new float[centres * dim];
        for (int i = 0; i < centre.Length; i++) centre[i] = Normal(random);
        var data = new float[checked(rows * dim)];
        for (int r = 0; r < rows; r++)
        {
            int c = random.Next(centres);
            for (int j = 0; j < dim; j++)
                data[r * dim + j] = centre[c * dim + j] + Normal(random);
        }
        return data;
    }

    private static float Normal(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
