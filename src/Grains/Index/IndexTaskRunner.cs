using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Index.Embeddings;
using Pipeline.Index.Sharded;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Index;

/// <summary>
/// Builds one index shard: reads its embedding shards (checked against the embed manifest), leaves out rows with NaN
/// or infinite values (recorded as failures, never indexed), builds the kind's shard file, measures recall@10 against
/// exact search, and stages the shard file, its rows, its build report and its failures under the attempt.
/// </summary>
public sealed class IndexTaskRunner(IObjectStoreFactory stores, ILogger<IndexTaskRunner> logger) : ITaskRunner
{
    public async Task<TaskResult> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var spec = (IndexJobSpec)context.Lease.Spec;
        int shard = context.Lease.Task;
        var payload = OutputJson.Deserialize<IndexTaskPayload>(context.Payload);
        var embeddings = await EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(spec.Embeddings)), cancellationToken);
        bool float16Range = spec.Storage == "float16" && spec.Metric != "cosine";
        var rows = await IndexRows.ReadAsync(embeddings, shard, payload.EmbeddingShards, float16Range, cancellationToken);
        if (rows.Count == 0)
            throw new InvalidDataException(
                $"index shard {shard} (embedding shards {string.Join(", ", payload.EmbeddingShards)}): none of its {rows.Skipped.Count} rows can be indexed, every embedding has NaN or infinite values.");

        var format = ShardIndexFormats.For(spec.IndexKind);
        var settings = new ShardBuildSettings
        {
            Metric = IndexNames.ParseMetric(spec.Metric),
            Storage = IndexNames.ParseStorage(spec.Storage),
            MemoryBudgetBytes = spec.MemoryBudgetBytes,
            Connectivity = spec.Connectivity,
            ExpansionAdd = spec.ExpansionAdd,
            ExpansionSearch = spec.ExpansionSearch,
            RecallQueries = spec.RecallQueries,
            RecallSeed = shard,
        };
        var folder = Directory.CreateTempSubdirectory("pipeline-index-build-");
        try
        {
            // Built under its final file name: a format's further files are named after its main file.
            var local = Path.Join(folder.FullName, IndexLayout.ShardFileName(shard, format.FileExtension));
            var clock = Stopwatch.StartNew();
            var built = format.Build(rows.Vectors, rows.Dimension, settings, local);
            double buildSeconds = clock.Elapsed.TotalSeconds;
            double? recall;
            using (built.Index)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Exact search is the ground truth: measuring it against itself would say nothing. A format that
                // measured at build (on rows its index did not hold yet) has the better figure.
                recall = format.Kind == "exact" ? null
                    : built.Recall ?? HeldOutRecall.Measure(built.Index, rows.Vectors, rows.Dimension, settings.Metric, spec.RecallQueries, seed: shard);
            }

            var files = built.Files.Select(f => IndexLayout.ShardFolder + Path.GetFileName(f)).ToList();
            for (int i = 0; i < files.Count; i++)
            {
                await using var stream = File.OpenRead(built.Files[i]);
                await context.Commit.StageAsync(files[i], stream, cancellationToken);
            }
            await StageParquetAsync(context.Commit, IndexLayout.RowsFile(shard), rows.Rows, cancellationToken);
            if (rows.Skipped.Count > 0) await StageParquetAsync(context.Commit, OutputLayout.Failures(shard), rows.Skipped, cancellationToken);
            var report = new ShardBuildReport
            {
                Shard = shard,
                File = files[0],
                Files = files,
                RowsFile = IndexLayout.RowsFile(shard),
                Rows = rows.Count,
                Dimension = rows.Dimension,
                EmbeddingShards = payload.EmbeddingShards,
                SkippedRows = rows.Skipped.Count,
                Parameters = built.Parameters,
                RecallAt10 = recall,
                RecallQueries = recall is null ? 0 : Math.Min(spec.RecallQueries, rows.Count),
                BuildSeconds = buildSeconds,
                FileBytes = built.Files.Sum(f => new FileInfo(f).Length),
            };
            await context.Commit.StageAsync(IndexLayout.BuildReport(shard), OutputJson.Serialize(report), cancellationToken);
            logger.LogInformation("job {JobId}: index shard {Shard} ({Kind}): {Rows} rows, {Skipped} skipped, built in {Seconds:0.0} s, recall@10 {Recall}",
                context.Lease.JobId, shard, format.Kind, rows.Count, rows.Skipped.Count, buildSeconds, recall?.ToString("0.000") ?? "-");
            return new TaskResult(rows.Count, rows.Skipped.Count, rows.Dimension, spec.Storage);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public void Dispose()
    {
    }

    private static async Task StageParquetAsync<T>(ShardCommit commit, string key, IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        await ParquetFiles.WriteAsync(stream, rows, cancellationToken);
        stream.Position = 0;
        await commit.StageAsync(key, stream, cancellationToken);
    }
}
