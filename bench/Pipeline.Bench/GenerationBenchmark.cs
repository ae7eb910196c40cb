using System.Diagnostics;
using System.Globalization;
using Pipeline.Models.Diffusion.Pipelines;
using Pipeline.Models.Diffusion.Text;
using Pipeline.Models.Diffusion.UNet;
using Pipeline.Models.Diffusion.Vae;
using Pipeline.Models.Tests.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Bench;

/// <summary>
/// Seconds per image of LCM (4 steps, no CFG), LCM-LoRA (4 steps, CFG) and the DDIM baseline (50 steps, CFG), from the
/// components timed alone (text encoder per batch, one UNet step at batch B and 2B, VAE decode), at the tiny fixture
/// size and at SD-1.5's real sizes with random weights (64x64 latents, 512x512 images); and at the tiny size the whole
/// pipeline timed end to end, LCM 4 steps beside DDIM 50, to check the sums.
/// </summary>
public static class GenerationBenchmark
{
    public sealed record Components(string Size, int Batch, double TextMs, double UNetMs, double UNetCfgMs, double VaeMs)
    {
        public double SecondsPerImage(int steps, bool cfg) => (TextMs * (cfg ? 2 : 1) + steps * (cfg ? UNetCfgMs : UNetMs) + VaeMs) / 1000 / Batch;
    }

    public static int Run(string[] args)
    {
        var sizes = (Option(args, "--sizes") ?? "tiny,sd15").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var batches = (Option(args, "--batches") ?? "1,2,4").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        var budget = TimeSpan.FromSeconds(double.Parse(Option(args, "--seconds") ?? "4", CultureInfo.InvariantCulture));
        Console.WriteLine("component ms are per call for the whole batch; s/image = (text x (1 or 2 with CFG) + steps x UNet step + VAE decode) / batch");
        Console.WriteLine($"{"size",-6} {"batch",5} {"text ms",9} {"unet ms",9} {"unet+cfg",9} {"vae ms",9} {"LCM-4 s/img",12} {"LoRA-4 s/img",13} {"DDIM-50 s/img",14} {"DDIM/LCM",9}");
        foreach (var size in sizes)
        {
            var shapes = DiffusionBenchShapes.For(size);
            foreach (var c in MeasureComponents(shapes, batches, budget))
            {
                double lcm = c.SecondsPerImage(4, cfg: false), lora = c.SecondsPerImage(4, cfg: true), ddim = c.SecondsPerImage(50, cfg: true);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Size,-6} {c.Batch,5} {c.TextMs,9:F1} {c.UNetMs,9:F1} {c.UNetCfgMs,9:F1} {c.VaeMs,9:F1} {lcm,12:F3} {lora,13:F3} {ddim,14:F3} {ddim / lcm,9:F1}"));
            }
        }
        if (sizes.Contains("tiny")) EndToEndTiny(batches);
        return 0;
    }

    private static IEnumerable<Components> MeasureComponents(DiffusionBenchShapes shapes, IReadOnlyList<int> batches, TimeSpan budget)
    {
        torch.manual_seed(0);
        using var text = new ClipTextModel(shapes.Text);
        using var unet = new UNet2DConditionModel(shapes.UNet);
        using var vae = new AutoencoderKL(shapes.Vae);
        foreach (var m in new nn.Module[] { text, unet, vae }) m.eval();
        int latent = shapes.ImageSize / (1 << (shapes.Vae.BlockOutChannels.Count - 1));
        foreach (int batch in batches)
        {
            using var inference = torch.inference_mode();
            using var scope = NewDisposeScope();
            var ids = torch.randint(0, shapes.Text.VocabSize, [batch, 77], ScalarType.Int64);
            var embeds = text.forward(ids);
            var embedsCfg = torch.cat([embeds, embeds], 0);
            var latents = torch.randn(batch, shapes.UNet.InChannels, latent, latent);
            var latentsCfg = torch.cat([latents, latents], 0);
            var t = torch.tensor(499L);
            Tensor? w = shapes.UNet.TimeCondProjDim is { } dim ? torch.randn(batch, dim) : null;
            Tensor? wCfg = w is null ? null : torch.cat([w, w], 0);
            yield return new Components(shapes.Name, batch,
                Time(() => text.forward(ids), budget),
                Time(() => unet.forward(latents, t, embeds, w), budget),
                Time(() => unet.forward(latentsCfg, t, embedsCfg, wCfg), budget),
                Time(() => vae.Decode(latents), budget));
        }
    }

    /// <summary>The tiny model folder through <see cref="TextToImagePipeline"/>: what a generation task does per batch, PNG encoding included.</summary>
    private static void EndToEndTiny(IReadOnlyList<int> batches)
    {
        var folder = TinyDiffusersFolder.Write(Path.Combine(Path.GetTempPath(), "pipeline-bench-lcm-" + Guid.NewGuid().ToString("N")));
        try
        {
            Console.WriteLine("end to end, tiny model folder (guidance embedded, no CFG), 64x64 images, through TextToImagePipeline + PNG encode:");
            // This folder's UNet embeds guidance (a distilled LCM), so neither row runs CFG.
            foreach (var (scheduler, steps) in new[] { ("lcm", 4), ("ddim", 50) })
            {
                using var pipeline = TextToImagePipeline.Load(folder, new TextToImageOptions(Scheduler: scheduler));
                foreach (int batch in batches)
                {
                    var requests = Enumerable.Range(0, batch).Select(i => new ImageRequest($"a cat number {i}", i)).ToList();
                    var settings = new GenerationSettings(steps, 8.0, 64, 64);
                    double ms = Time(() => { foreach (var image in pipeline.Generate(requests, settings)) PngEncoding.Encode(image); return null; }, TimeSpan.FromSeconds(3));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {scheduler}-{steps,-3} batch {batch,3}: {ms / 1000 / batch:F4} s/image"));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Median milliseconds of one call after a warm-up call, over at least 3 calls and about <paramref name="budget"/>.</summary>
    private static double Time(Func<Tensor?> call, TimeSpan budget)
    {
        using (NewDisposeScope()) call();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || (total.Elapsed < budget && times.Count < 50))
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            call();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string? Option(string[] args, string name) => BenchArgs.Option(args, name);
}
