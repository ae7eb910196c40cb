using System.Diagnostics;
using Pipeline.Client.Demo;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Bench;

/// <summary>
/// <c>pipeline embed</c> end to end on the embedded runtime: a generated corpus in a local folder, through the job
/// grain, a worker's read/decode/forward/write stages and the commit protocol, to local outputs.
/// </summary>
public static class EndToEndBenchmark
{
    public sealed record Result(string Model, int Images, double Seconds, double ImagesPerSecond, JobState State);

    public static async Task<Result> RunAsync(string model, int images, int batchSize, string computeDType, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Guid.NewGuid():N}");
        var input = Path.Combine(root, "corpus");
        Directory.CreateDirectory(input);
        try
        {
            foreach (var file in SampleCorpus.Generate(images, corrupt: 0))
                await File.WriteAllBytesAsync(Path.Combine(input, file.Name), file.Bytes, cancellationToken);

            await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
            var job = runtime.Grains.GetGrain<IJobGrain>("bench");
            var spec = new EmbedJobSpec
            {
                Input = input, Output = Path.Combine(root, "out"), Model = model, Weights = "random", BatchSize = batchSize, ComputeDType = computeDType,
                ShardSize = 1000, // the CLI default
            };
            var watch = Stopwatch.StartNew();
            var submitted = await job.SubmitAsync(spec, cancellationToken);
            if (!submitted.Accepted) throw new InvalidOperationException(submitted.Error);
            JobStatus status;
            while (!(status = await job.GetStatusAsync(cancellationToken)).IsFinal) await Task.Delay(50, cancellationToken);
            double seconds = watch.Elapsed.TotalSeconds;
            return new Result(model, images, seconds, images / seconds, status.State);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
