using System.Globalization;
using Pipeline.Bench;
using Pipeline.Models.Registry;
using Pipeline.Silo;
using TorchSharp;

if (NativeMemoryTuning.RelaunchIfUntuned(args) is { } relaunched) return relaunched;

// pipeline-bench [forward|e2e|all] [--threads 2] [--models a,b@224,...] [--images 512] [--dtype float32|bfloat16]
// Prints images/s beside peer figures (PyTorch 1.13 + timm with a tuned BLAS, measured on the same 2-core VM).
string mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int threads = int.Parse(Option("--threads") ?? "2", CultureInfo.InvariantCulture);
int images = int.Parse(Option("--images") ?? "512", CultureInfo.InvariantCulture);
var models = (Option("--models") ?? string.Join(',', BenchmarkDefaults.ForwardModels)).Split(',', StringSplitOptions.RemoveEmptyEntries);
var dtype = Option("--dtype") ?? "float32";
torch.set_num_threads(threads);
Console.WriteLine($"threads {threads}, {dtype}, CPU; TorchSharp {typeof(torch).Assembly.GetName().Version}");

if (mode is "forward" or "all")
{
    Console.WriteLine($"{"model",-44} {"res",5} {"batch",6} {"images/s",10} {"ms/batch",12}   peer images/s (batch 8 / 32)");
    foreach (var spec in models)
    {
        var (name, resolution) = BenchmarkDefaults.Parse(spec);
        var variant = ModelRegistry.Get(name);
        foreach (var result in ForwardBenchmark.Run(variant, resolution ?? variant.Preprocess.CropHeight, [1, 8, 32], TimeSpan.FromSeconds(8), Pipeline.Models.Embedding.ImageEmbedder.ParseComputeDType(dtype)))
            Console.WriteLine($"{ForwardBenchmark.Format(result)}   {BenchmarkDefaults.Peer(spec)}");
    }
}
if (mode is "e2e" or "all")
{
    var model = Option("--e2e-model") ?? "convnext_tiny.fb_in22k_ft_in1k";
    var result = await EndToEndBenchmark.RunAsync(model, images, batchSize: 32, dtype, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"end to end: pipeline embed {result.Images} generated images (mixed sizes and formats) with {result.Model}: " +
        $"{result.Seconds:F1} s, {result.ImagesPerSecond:F1} images/s ({result.State}); peer: 20.7 images/s (512 640x480 JPEGs, ConvNeXt-T)"));
}
return 0;

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
