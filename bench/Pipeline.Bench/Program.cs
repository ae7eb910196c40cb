using System.Globalization;
using Pipeline.Bench;
using Pipeline.Bench.Scheduler;
using Pipeline.Models.Registry;
using Pipeline.Silo;
using TorchSharp;

if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } relaunched) return relaunched;

// pipeline-bench [forward|e2e|all] [--threads 2] [--models a,b@224,...] [--images 512] [--dtype float32|bfloat16]
// pipeline-bench scheduler [--tasks 10000,100000] [--workers 64] [--commit none,marker,executor] [--root /tmp] [--idle-ms 10] [--after-planning]
// pipeline-bench cluster-e2e [--images 512] [--e2e-model convnext_tiny.fb_in22k_ft_in1k] (through bench/run.sh, which starts the local cluster)
// pipeline-bench hnsw [--vectors /tmp/peer_vectors] [--ef 16,32,64,128,256] | hnsw-memory [--rows 1000000]
// pipeline-bench planning [--lines 1000000] [--shard-size 1000] [--model vit_small_patch14_dinov2.lvd142m] [--root /tmp] [--preload-torch]
// Prints images/s beside peer figures (PyTorch 1.13 + timm with a tuned BLAS, measured on the same 2-core VM).
string mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int threads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture);
int images = int.Parse(Option("--images") ?? "512", CultureInfo.InvariantCulture);
var models = (Option("--models") ?? string.Join(',', BenchmarkDefaults.ForwardModels)).Split(',', StringSplitOptions.RemoveEmptyEntries);
var dtype = Option("--dtype") ?? "float32";
// With --json stdout carries only the JSON lines.
(args.Contains("--json") ? Console.Error : Console.Out).WriteLine($"CPU: {CpuModel()}, {Environment.ProcessorCount} logical cores");
if (mode is "load" or "load-one" or "load-write") return LoadBenchmark.Run(mode, args, threads);
if (mode is "knn") return KnnBenchmark.Run(args, threads);
if (mode is "side-by-side")
{
    torch.set_num_threads(threads);
    return SideBySideBenchmark.Run(args);
}
if (mode is "lcm")
{
    torch.set_num_threads(threads);
    return GenerationBenchmark.Run(args);
}
if (mode is "hnsw") return HnswBenchmark.Run(args, threads);
if (mode is "gemm")
{
    torch.set_num_threads(threads);
    return GemmBenchmark.Run(args);
}
if (mode is "decode") return DecodeBenchmark.Run(args);
if (mode is "hnsw-memory") return HnswMemoryBenchmark.Run(args);
if (mode is "scheduler")
{
    var taskCounts = (Option("--tasks") ?? "10000,100000").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
    int workers = int.Parse(Option("--workers") ?? "64", CultureInfo.InvariantCulture);
    var commits = (Option("--commit") ?? "none,marker,executor").Split(',').Select(c => Enum.Parse<SchedulerBenchmark.Commit>(c, ignoreCase: true)).ToList();
    var folder = Option("--root") ?? Path.GetTempPath();
    var idle = TimeSpan.FromMilliseconds(double.Parse(Option("--idle-ms") ?? "10", CultureInfo.InvariantCulture));
    bool afterPlanning = args.Contains("--after-planning");
    Console.WriteLine($"output under {folder}; idle poll {idle.TotalMilliseconds} ms; workers start {(afterPlanning ? "after PlanningDone" : "at submit")}");
    await using var silo = await BenchSilo.StartAsync(CancellationToken.None);
    // Warm-up: JIT, grain activation paths, first storage writes.
    await SchedulerBenchmark.RunAsync(silo, 2000, workers, SchedulerBenchmark.Commit.Marker, folder, idle, afterPlanning, CancellationToken.None);
    Console.WriteLine("lease+commit pairs/s = tasks / (last complete - first lease); B/lease = serialized \"job\" grain-state bytes written / leases");
    Console.WriteLine(SchedulerBenchmark.Header);
    foreach (var commit in commits)
        foreach (int tasks in taskCounts)
            Console.WriteLine(SchedulerBenchmark.Format(await SchedulerBenchmark.RunAsync(silo, tasks, workers, commit, folder, idle, afterPlanning, CancellationToken.None)));
    return 0;
}
if (mode is "planning")
{
    int lines = int.Parse(Option("--lines") ?? "1000000", CultureInfo.InvariantCulture);
    int shardSize = int.Parse(Option("--shard-size") ?? "1000", CultureInfo.InvariantCulture);
    var folder = Option("--root") ?? Path.GetTempPath();
    var model = Option("--model") ?? "vit_small_patch14_dinov2.lvd142m";
    Console.WriteLine($"manifest and output under {folder}");
    if (args.Contains("--preload-torch"))
    {
        // Loads libtorch before the first submit, to show what the first SubmitAsync pays when it does.
        var load = System.Diagnostics.Stopwatch.StartNew();
        _ = torch.CPU;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"libtorch loaded before the silo: {load.Elapsed.TotalSeconds:F3} s"));
    }
    await using var silo = await BenchSilo.StartAsync(CancellationToken.None);
    var cold = await PlanningBenchmark.RunAsync(silo, 20_000, shardSize, model, folder, CancellationToken.None); // warm-up
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up on a fresh silo (20,000 lines): SubmitAsync {cold.SubmitSeconds:F3} s, PlanningDone {cold.PlanningSeconds:F2} s"));
    Console.WriteLine(PlanningBenchmark.Format(await PlanningBenchmark.RunAsync(silo, lines, shardSize, model, folder, CancellationToken.None)));
    return 0;
}
torch.set_num_threads(threads);
(args.Contains("--json") ? Console.Error : Console.Out).WriteLine($"threads {threads}, {dtype}, CPU; TorchSharp {typeof(torch).Assembly.GetName().Version}");

if (mode is "forward" or "all")
{
    bool json = args.Contains("--json");
    var batches = (Option("--batches") ?? "1,8,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
    if (!json) Console.WriteLine($"{"model",-44} {"res",5} {"batch",6} {"images/s",10} {"ms/batch",12}   peer images/s (batch 8 / 32)");
    foreach (var spec in models)
    {
        var (name, resolution) = BenchmarkDefaults.Parse(spec);
        var variant = ModelRegistry.Get(name);
        foreach (var result in ForwardBenchmark.Run(variant, resolution ?? variant.Preprocess.CropHeight, batches, TimeSpan.FromSeconds(8), Pipeline.Models.Embedding.ImageEmbedder.ParseComputeDType(dtype)))
        {
            if (json) SideBySideBenchmark.Line(result.Model, result.Resolution, result.Batch, dtype, result.ImagesPerSecond);
            else Console.WriteLine($"{ForwardBenchmark.Format(result)}   {BenchmarkDefaults.Peer(spec)}");
        }
    }
}
if (mode is "cluster-e2e")
{
    var model = Option("--e2e-model") ?? "convnext_tiny.fb_in22k_ft_in1k";
    var e2e = await ClusterEndToEndBenchmark.RunAsync(model, images, batchSize: 32, dtype, CancellationToken.None);
    // Model-only figure of the same model in the same run, after the job (the silo is idle then).
    var variant = ModelRegistry.Get(model);
    var forward = ForwardBenchmark.Run(variant, variant.Preprocess.CropHeight, [32], TimeSpan.FromSeconds(8), Pipeline.Models.Embedding.ImageEmbedder.ParseComputeDType(dtype)).Single();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"cluster end to end (1 silo, 1 slot): {e2e.Images} generated 640x480 JPEGs with {e2e.Model}, batch 32, {dtype}: {e2e.Seconds:F1} s from submit to {e2e.State} " +
        $"({e2e.DoneItems} rows, {e2e.FailedItems} failed), {e2e.ImagesPerSecond:F1} images/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"model only (this process, {threads} threads, batch 32): {forward.ImagesPerSecond:F1} images/s; end to end / model only = {e2e.ImagesPerSecond / forward.ImagesPerSecond:P0}"));
}
if (mode is "e2e" or "all")
{
    var model = Option("--e2e-model") ?? "convnext_tiny.fb_in22k_ft_in1k";
    var corpus = Option("--corpus");
    int runs = int.Parse(Option("--runs") ?? "1", CultureInfo.InvariantCulture);
    var results = await EndToEndBenchmark.RunAsync(model, images, corpus, runs, batchSize: 32, dtype, CancellationToken.None);
    string what = corpus is null ? $"{images} generated images (mixed sizes and formats)" : $"the {results[0].Images} files of {corpus}";
    foreach (var (result, run) in results.Select((r, i) => (r, i + 1)))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"end to end run {run}: pipeline embed {what} with {result.Model}, batch 32: {result.Seconds:F1} s, {result.ImagesPerSecond:F1} images/s ({result.State})"));
    var rates = results.Select(r => r.ImagesPerSecond).Order().ToList();
    double median = BenchArgs.Median(rates);
    // Model-only figure of the same model in the same process, after the jobs (the silo is idle then).
    var variant = ModelRegistry.Get(model);
    var forward = ForwardBenchmark.Run(variant, variant.Preprocess.CropHeight, [32], TimeSpan.FromSeconds(8), Pipeline.Models.Embedding.ImageEmbedder.ParseComputeDType(dtype)).Single();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"end to end over {rates.Count} run(s): median {median:F1}, min {rates[0]:F1}, max {rates[^1]:F1} images/s (spread {(rates[^1] - rates[0]) / median:P0} of the median); " +
        $"model only, batch 32, this process: {forward.ImagesPerSecond:F1} images/s; median end to end / model only = {median / forward.ImagesPerSecond:P0}; " +
        $"JPEG pixels: {Pipeline.Models.Preprocessing.ImageDecoder.JpegBackend}"));
}
return 0;

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
        : "?";

string? Option(string name) => BenchArgs.Option(args, name);
