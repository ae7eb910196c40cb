using System.Diagnostics;
using System.Globalization;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using SkiaSharp;

namespace Pipeline.Bench;

/// <summary>
/// <c>pipeline embed</c> end to end on a running cluster (this process is only its client; <c>bench/run.sh cluster-e2e</c>
/// starts infra/local-cluster with one silo and one slot): a generated folder of 640x480 JPEGs, local output.
/// </summary>
public static class ClusterEndToEndBenchmark
{
    public sealed record Result(string Model, int Images, double Seconds, double ImagesPerSecond, JobState State, long DoneItems, long FailedItems);

    public static async Task<Result> RunAsync(string model, int images, int batchSize, string computeDType, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), $"pipeline-bench-cluster-{Guid.NewGuid():N}");
        var input = Path.Combine(root, "corpus");
        Directory.CreateDirectory(input);
        try
        {
            for (int i = 0; i < images; i++)
                await File.WriteAllBytesAsync(Path.Combine(input, string.Create(CultureInfo.InvariantCulture, $"{i:D6}.jpg")), Jpeg(640, 480, i), cancellationToken);

            await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
            if (runtime.Embedded) throw new InvalidOperationException("cluster-e2e needs a cluster: run it through bench/run.sh cluster-e2e (it exports Pipeline__Cluster__*)");
            var job = runtime.Grains.GetGrain<IJobGrain>($"bench-{Guid.NewGuid():N}"[..24]);
            var spec = new EmbedJobSpec
            {
                Input = input, Output = Path.Combine(root, "out"), Model = model, Weights = "random", BatchSize = batchSize, ComputeDType = computeDType,
            };
            var watch = Stopwatch.StartNew();
            var submitted = await job.SubmitAsync(spec, cancellationToken);
            if (!submitted.Accepted) throw new InvalidOperationException(submitted.Error);
            JobStatus status;
            while (!(status = await job.GetStatusAsync(cancellationToken)).IsFinal && watch.Elapsed < TimeSpan.FromMinutes(5))
                await Task.Delay(50, cancellationToken);
            double seconds = watch.Elapsed.TotalSeconds;
            return new Result(model, images, seconds, images / seconds, status.State, status.DoneItems, status.FailedItems);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A photo-sized JPEG with smooth gradients and texture (so it compresses like a photo, not like a flat fill).</summary>
    private static byte[] Jpeg(int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = bitmap.GetPixelSpan();
        var random = new Random(seed);
        int a = random.Next(256), b = random.Next(256);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int o = (y * width + x) * 4, noise = (x * 7919 + y * 104729 + seed) % 23;
                pixels[o] = (byte)(x * 255 / width + noise);
                pixels[o + 1] = (byte)(y * 255 / height + a + noise);
                pixels[o + 2] = (byte)((x + y) / 4 + b);
                pixels[o + 3] = 255;
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
