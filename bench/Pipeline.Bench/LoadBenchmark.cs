using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Bench;

/// <summary>
/// Checkpoint loading memory and time to first batch. <c>load</c> writes a random-weight safetensors checkpoint per
/// model (in a child process, <c>load-write</c>) and loads it the way a worker does (<see cref="ImageEmbedder.Load"/>)
/// in a fresh child (<c>load-one</c>), so each peak RSS (VmHWM) is that load's alone.
/// </summary>
public static class LoadBenchmark
{
    private const string ResultPrefix = "LOAD-RESULT ";

    // Skips the first forward (the giant ViT's batch of 8 at 518 px takes minutes and gigabytes of activations).
    private const string NoFirstBatch = "--no-first-batch";

    // NaN stands for "not measured" (first batch skipped); System.Text.Json refuses it unless told.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Default models: DINOv2 ViT-S/B/L and ConvNeXt-B.</summary>
    public static readonly string[] DefaultModels =
    [
        "vit_small_patch14_dinov2.lvd142m",
        "vit_base_patch14_dinov2.lvd142m",
        "vit_large_patch14_dinov2.lvd142m",
        "convnext_base.fb_in22k_ft_in1k",
    ];

    /// <summary>One model's figures, as the child measured them.</summary>
    public sealed record Result(string Model, double CheckpointMiB, double RssBeforeMiB, double PeakRssMiB, double Ratio, double LoadSeconds, double FirstBatchSeconds);

    /// <summary>Dispatches <c>load</c>, <c>load-write</c> and <c>load-one</c>.</summary>
    public static int Run(string mode, string[] args, int threads)
    {
        string? Option(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        return mode switch
        {
            "load-write" => Write(Option("--model")!, Option("--out")!, HuggingFace(Option("--naming"))),
            "load-one" => LoadOne(Option("--model")!, Option("--weights")!, threads, firstBatch: !args.Contains(NoFirstBatch), HuggingFace(Option("--naming"))),
            _ => Parent((Option("--models") ?? string.Join(',', DefaultModels)).Split(',', StringSplitOptions.RemoveEmptyEntries), threads, args.Contains("--json"), args.Contains(NoFirstBatch), HuggingFace(Option("--naming"))),
        };
    }

    private static int Parent(IReadOnlyList<string> models, int threads, bool json, bool noFirstBatch, bool huggingFace)
    {
        Console.WriteLine("ratio = (peak RSS during load - RSS before load) / checkpoint size; first batch = load + first forward of 8 images");
        Console.WriteLine($"{"model",-40} {"ckpt MiB",9} {"RSS0 MiB",9} {"peak MiB",9} {"ratio",6} {"load s",7} {"1st batch s",11}");
        foreach (var model in models)
        {
            var path = Path.Combine(Path.GetTempPath(), $"pipeline-load-bench-{Environment.ProcessId}-{model}.safetensors");
            try
            {
                string[] naming = huggingFace ? ["--naming", "huggingface"] : [];
                if (Child(["load-write", "--model", model, "--out", path, .. naming], out _) != 0) return 1;
                string[] load = ["load-one", "--model", model, "--weights", path, "--threads", threads.ToString(CultureInfo.InvariantCulture), .. naming];
                if (Child(noFirstBatch ? [.. load, NoFirstBatch] : load, out var line) != 0 || line is null) return 1;
                var r = JsonSerializer.Deserialize<Result>(line, Json)!;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Model,-40} {r.CheckpointMiB,9:F0} {r.RssBeforeMiB,9:F0} {r.PeakRssMiB,9:F0} {r.Ratio,6:F2} {r.LoadSeconds,7:F2} {r.FirstBatchSeconds,11:F2}"));
                if (json) Console.WriteLine(line);
            }
            finally
            {
                File.Delete(path);
            }
        }
        return 0;
    }

    // The same host again (dotnet + this dll), inheriting the environment, so the child keeps the malloc tunables.
    private static int Child(IReadOnlyList<string> arguments, out string? result)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        result = null;
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) result = line[ResultPrefix.Length..];
        process.WaitForExit();
        if (process.ExitCode != 0) Console.Error.WriteLine($"{string.Join(' ', arguments)}: exit code {process.ExitCode}");
        return process.ExitCode;
    }

    // Hugging Face naming (ViTs only) exercises the per-layer path: its split query/key/value are fused on load.
    private static bool HuggingFace(string? naming) => naming switch
    {
        null or "timm" => false,
        "huggingface" => true,
        _ => throw new ArgumentException($"--naming '{naming}': use timm or huggingface"),
    };

    private static int Write(string model, string path, bool huggingFace)
    {
        var variant = ModelRegistry.Get(model);
        torch.manual_seed(0);
        using var module = variant.Architecture.Create(variant.NumClasses).AsModule();
        using var scope = torch.NewDisposeScope();
        var state = module.state_dict();
        SafeTensorsWriter.Write(path, huggingFace ? VisionTransformerKeyMap.ToHuggingFace(state, (VisionTransformerConfig)variant.Architecture) : state);
        return 0;
    }

    private static int LoadOne(string model, string weights, int threads, bool firstBatch, bool huggingFace)
    {
        torch.set_num_threads(threads);
        using (torch.zeros(1)) { } // loads libtorch, so the baseline includes it
        var resolved = ModelResolver.Resolve(model, weights);
        if (huggingFace) resolved = resolved with { Naming = CheckpointNaming.HuggingFace };
        GC.Collect();
        double before = StatusMiB("VmRSS");
        ResetPeak();
        var watch = Stopwatch.StartNew();
        using var embedder = ImageEmbedder.Load(resolved, randomSeed: 0);
        double loadSeconds = watch.Elapsed.TotalSeconds;
        double peak = StatusMiB("VmHWM");
        double firstBatchSeconds = double.NaN;
        if (firstBatch)
        {
            var pixels = new float[8 * embedder.PixelsPerImage];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (i % 255) / 255f - 0.5f;
            embedder.Embed(pixels, 8);
            firstBatchSeconds = watch.Elapsed.TotalSeconds;
        }
        double checkpointMiB = new FileInfo(weights).Length / 1048576.0;
        var result = new Result(model, checkpointMiB, before, peak, (peak - before) / checkpointMiB, loadSeconds, firstBatchSeconds);
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+), so the peak is this load's own.
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not reset VmHWM ({e.Message}); the peak includes start-up");
        }
    }

    private static double StatusMiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
