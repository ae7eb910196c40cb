using System.Diagnostics;
using System.Globalization;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Bench;

/// <summary>
/// Decode + preprocess alone, the work a worker does per image before the model: read the file, decode it, resize,
/// crop and normalise into the model's input. Comparable with the peer kit's part 2 <c>decode_w0</c> (PIL open +
/// convert + timm's eval transform, one process), so the figure is images/s per core on one thread, and on N threads.
/// </summary>
public static class DecodeBenchmark
{
    public static int Run(string[] args)
    {
        string corpus = BenchArgs.Option(args, "--corpus") ?? "/tmp/peer_corpus";
        string model = BenchArgs.Option(args, "--e2e-model") ?? "convnext_tiny.fb_in22k_ft_in1k";
        var threadCounts = (BenchArgs.Option(args, "--decode-threads") ?? "1,2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
        int passes = int.Parse(BenchArgs.Option(args, "--passes") ?? "3", CultureInfo.InvariantCulture);
        if (!Directory.Exists(corpus))
        {
            Console.Error.WriteLine($"no corpus folder {corpus}: run the peer kit's part 2 once (it generates /tmp/peer_corpus) or pass --corpus DIR");
            return 2;
        }
        var files = Directory.GetFiles(corpus).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        var config = ModelRegistry.Get(model).Preprocess;
        Console.WriteLine($"decode + preprocess: {files.Length} files from {corpus}, {model} ({config.ResizeShortestEdge} shortest edge, {config.CropHeight}x{config.CropWidth} crop), file read included; JPEG pixels: {ImageDecoder.JpegBackend}");
        Once(files.Take(32).ToArray(), config, 1, preprocess: true); // warm-up: JIT, page cache
        var decodeOnly = Enumerable.Range(0, passes).Select(_ => Once(files, config, 1, preprocess: false)).Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decode only (read + decode to RGB), 1 thread: {decodeOnly:F1} images/s"));
        foreach (int threads in threadCounts)
        {
            var rates = Enumerable.Range(0, passes).Select(_ => Once(files, config, threads, preprocess: true)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{threads} thread(s): {rates.Max():F1} images/s best, {BenchArgs.Median(rates):F1} median of {passes} passes; per core {rates.Max() / threads:F1}"));
        }
        return 0;
    }

    private static double Once(string[] files, PreprocessConfig config, int threads, bool preprocess)
    {
        int next = -1;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var pixels = new float[3 * config.CropHeight * config.CropWidth];
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Length)
            {
                var image = ImageDecoder.Decode(File.ReadAllBytes(files[i]));
                if (preprocess) ImagePreprocessor.Preprocess(image, config, pixels);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return files.Length / watch.Elapsed.TotalSeconds;
    }
}
