using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Bench.Scheduler;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using Pipeline.Storage.Corpus;

namespace Pipeline.Bench;

/// <summary>
/// Planning an embed job over a generated N-line <c>.txt</c> manifest (the images need not exist: planning only lists),
/// on an in-process silo with no worker slots, until its status says PlanningDone; and <see cref="CorpusSource"/> alone
/// streaming the same manifest.
/// </summary>
public static class PlanningBenchmark
{
    public sealed record Result(int Lines, int ShardSize, double GenerateSeconds, double SourceSeconds, double SourceEncodeSeconds,
        double SubmitSeconds, double FirstTaskSeconds, double PlanningSeconds, int PlanFiles, long PlanBytes, int TotalTasks, long TotalItems, JobState State);

    /// <param name="folder">Where the manifest and the job's output go: a disk folder, or <c>/dev/shm</c> to take fsync out.</param>
    public static async Task<Result> RunAsync(BenchSilo silo, int lines, int shardSize, string model, string folder, CancellationToken cancellationToken)
    {
        var root = Path.Combine(folder, $"pipeline-bench-plan-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var manifest = Path.Combine(root, "manifest.txt");
            var generate = Stopwatch.StartNew();
            await using (var writer = new StreamWriter(manifest, false, new UTF8Encoding(false), 1 << 16))
            {
                for (int i = 0; i < lines; i++)
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"images/{i / 10_000:D4}/{i:D8}.jpg"));
            }
            double generateSeconds = generate.Elapsed.TotalSeconds;

            var stores = silo.Services.GetRequiredService<IObjectStoreFactory>();
            var source = new CorpusSource(stores, [".jpg"]);
            var watch = Stopwatch.StartNew();
            long entries = 0;
            var input = await source.OpenAsync(manifest, cancellationToken);
            await foreach (var _ in input.EntriesAsync(cancellationToken)) entries++;
            double sourceSeconds = watch.Elapsed.TotalSeconds;
            if (entries != lines) throw new InvalidDataException($"CorpusSource listed {entries} entries of a {lines}-line manifest");

            // The planner's per-entry work besides listing: the plan line.
            watch.Restart();
            var planLines = new PlanLines(input.Root);
            long chars = 0;
            await foreach (var entry in input.EntriesAsync(cancellationToken)) chars += planLines.Encode(entry).Length;
            double encodeSeconds = watch.Elapsed.TotalSeconds;

            var output = Path.Combine(root, "out");
            var spec = new EmbedJobSpec { Input = manifest, Output = output, Model = model, Weights = "random", ShardSize = shardSize };
            var job = silo.Grains.GetGrain<IJobGrain>($"plan-{Guid.NewGuid():N}"[..30]);
            watch.Restart();
            var submitted = await job.SubmitAsync(spec, cancellationToken);
            if (!submitted.Accepted) throw new InvalidOperationException(submitted.Error);
            double submitSeconds = watch.Elapsed.TotalSeconds;
            double firstTask = double.NaN;
            JobStatus status;
            while (true)
            {
                status = await job.GetStatusAsync(cancellationToken);
                if (double.IsNaN(firstTask) && status.TotalTasks > 0) firstTask = watch.Elapsed.TotalSeconds;
                if (status.PlanningDone || status.IsFinal || watch.Elapsed > TimeSpan.FromMinutes(3)) break;
                await Task.Delay(10, cancellationToken);
            }
            double planningSeconds = watch.Elapsed.TotalSeconds;
            if (!status.PlanningDone) throw new InvalidOperationException($"planning did not finish: {status.State} {status.Error}");

            var planFolder = Path.Combine(output, OutputLayout.PlanFolder.TrimEnd('/'));
            var plans = Directory.GetFiles(planFolder, "shard_*.txt");
            long planBytes = plans.Sum(p => new FileInfo(p).Length);
            await job.CancelAsync(cancellationToken); // no workers: stop the job so the silo stops cleanly
            return new Result(lines, shardSize, generateSeconds, sourceSeconds, encodeSeconds, submitSeconds, firstTask, planningSeconds, plans.Length, planBytes,
                status.TotalTasks, status.TotalItems, status.State);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static string Format(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"manifest: {r.Lines:N0} lines (generated in {r.GenerateSeconds:F2} s)\n" +
        $"CorpusSource alone: {r.SourceSeconds:F2} s, {r.Lines / r.SourceSeconds:N0} lines/s; with PlanLines.Encode: {r.SourceEncodeSeconds:F2} s, {r.Lines / r.SourceEncodeSeconds:N0} lines/s\n" +
        $"embed job planning (shard size {r.ShardSize}): SubmitAsync returned after {r.SubmitSeconds:F3} s, first task after {r.FirstTaskSeconds:F3} s, PlanningDone after {r.PlanningSeconds:F2} s, " +
        $"{r.Lines / r.PlanningSeconds:N0} lines/s; {r.PlanFiles} plan files ({r.PlanBytes:N0} bytes); status: {r.TotalTasks} tasks, {r.TotalItems:N0} items, {r.State}");
}
