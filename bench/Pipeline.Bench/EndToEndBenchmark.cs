using System.Diagnostics;
using Pipeline.Client.Demo;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Bench;

/// <summary>
/// <c>pipeline embed</c> end to end on the embedded runtime: a corpus in a local folder (generated, or a given folder of
/// images such as the peer kit's /tmp/peer_corpus), through the job grain, a worker's read/decode/forward/write stages
/// and the commit protocol, to local outputs. Several runs on one runtime (each a new job) show the spread.
/// </summary>
public static class EndToEndBenchmark
{
    public sealed record Result(string Model, int Images, double Seconds, double ImagesPerSecond, JobState State);

    public static async Task<IReadOnlyList<Result>> RunAsync(string model, int images, string? corpus, int runs, int batchSize, string computeDType, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Guid.NewGuid():N}");
        var input = corpus ?? Path.Combine(root, "corpus");
        try
        {
            if (corpus is null)
            {
                Directory.CreateDirectory(input);
                foreach (var file in SampleCorpus.Generate(images, corrupt: 0))
                    await File.WriteAllBytesAsync(Path.Combine(input, file.Name), file.Bytes, cancellationToken);
            }
            var files = Directory.GetFiles(input).Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();
            images = files.Count;
            // Warm-up, untimed, as the peer kit's part 2 does (64 images before its timed pass): the model is built and
            // cached by the worker, code is compiled.
            var warmUp = Path.Combine(root, "warm-up");
            Directory.CreateDirectory(warmUp);
            foreach (var file in files.Take(64)) File.Copy(file, Path.Combine(warmUp, Path.GetFileName(file)));

            await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
            await EmbedAsync(runtime, "warm-up", warmUp);
            var results = new List<Result>();
            for (int run = 1; run <= runs; run++)
            {
                var watch = Stopwatch.StartNew();
                var state = await EmbedAsync(runtime, $"run-{run}", input);
                double seconds = watch.Elapsed.TotalSeconds;
                results.Add(new Result(model, images, seconds, images / seconds, state));
            }
            return results;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }

        async Task<JobState> EmbedAsync(PipelineRuntime runtime, string name, string folder)
        {
            var job = runtime.Grains.GetGrain<IJobGrain>($"bench-{name}");
            var spec = new EmbedJobSpec
            {
                Input = folder, Output = Path.Combine(root, $"out-{name}"), Model = model, Weights = "random", BatchSize = batchSize, ComputeDType = computeDType,
                ShardSize = 1000, // the CLI default
            };
            var submitted = await job.SubmitAsync(spec, cancellationToken);
            if (!submitted.Accepted) throw new InvalidOperationException(submitted.Error);
            JobStatus status;
            while (!(status = await job.GetStatusAsync(cancellationToken)).IsFinal) await Task.Delay(50, cancellationToken);
            return status.State;
        }
    }

    private static readonly HashSet<string> ImageExtensions = new(new Pipeline.Grains.Embed.EmbedOptions().ImageExtensions, StringComparer.OrdinalIgnoreCase);
}
