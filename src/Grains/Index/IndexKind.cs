using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Index.Embeddings;
using Pipeline.Index.Sharded;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Index;

/// <summary>
/// The index job kind: a finished embed job's output into a sharded index (<c>index.json</c> + <c>shards/</c>). Plans
/// one task per group of consecutive embedding shards, as many rows as the memory budget allows per index shard; each
/// task builds its shard in an <see cref="IndexTaskRunner"/>; the closing step assembles <c>index.json</c>.
/// </summary>
public sealed class IndexKind(IObjectStoreFactory stores, IServiceProvider services, TimeProvider time) : JobKind<IndexJobSpec>
{
    public override string Name => "index";

    protected override async Task<string?> AdmitAsync(string jobId, IndexJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var embeddings = await OpenEmbeddingsAsync(spec, cancellationToken);
            if (embeddings.Dimension is null || embeddings.Manifest.TotalRows == 0)
                return $"--embeddings {spec.Embeddings} has no embedding rows: every image of the embed job failed (see its failures/ folder).";
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            return e.Message;
        }
        return null;
    }

    protected override async IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, IndexJobSpec spec,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var embeddings = await OpenEmbeddingsAsync(spec, cancellationToken);
        int dimension = embeddings.Dimension ?? throw new ArgumentException($"--embeddings {spec.Embeddings} has no embedding rows.");
        long rowsPerShard = spec.RowsPerShard ?? ShardSizing.RowsPerShard(spec.IndexKind, dimension, IndexNames.ParseStorage(spec.Storage),
            spec.Connectivity, spec.MemoryBudgetBytes);
        await context.Output.TryCreateAsync(OutputLayout.JobFile, OutputJson.Serialize(Record(context.JobId, spec, rowsPerShard)), cancellationToken);

        var group = new List<int>();
        long rows = 0;
        foreach (var shard in embeddings.Shards.Where(s => s.Rows > 0))
        {
            if (group.Count > 0 && rows + shard.Rows > rowsPerShard)
            {
                yield return Task(group, rows);
                rows = 0;
            }
            group.Add(shard.Shard);
            rows += shard.Rows;
        }
        if (group.Count > 0) yield return Task(group, rows);
    }

    protected override async Task FinishAsync(FinishContext context, IndexJobSpec spec, CancellationToken cancellationToken)
    {
        // An index with a shard missing would answer queries wrongly without saying so: no index.json until every shard is built.
        if (context.Manifest.FailedShards.Count > 0)
        {
            await context.Output.DeleteAsync(IndexLayout.ManifestFile, cancellationToken);
            return;
        }
        var embeddings = await OpenEmbeddingsAsync(spec, cancellationToken);
        var reports = new List<ShardBuildReport>();
        foreach (var marker in context.Manifest.Shards.OrderBy(m => m.Shard))
        {
            var key = IndexLayout.BuildReport(marker.Shard);
            reports.Add(await OutputJson.ReadIfPresentAsync<ShardBuildReport>(context.Output, key, cancellationToken)
                        ?? throw new InvalidDataException($"{context.Output.Location}/{key} is missing although index shard {marker.Shard} is committed."));
        }
        await context.Output.WriteAsync(IndexLayout.ManifestFile, OutputJson.Serialize(Manifest(context, spec, embeddings, reports)), cancellationToken);
    }

    public override ITaskRunner CreateRunner(WorkerSlot slot) => ActivatorUtilities.CreateInstance<IndexTaskRunner>(services);

    private IndexManifest Manifest(FinishContext context, IndexJobSpec spec, EmbeddingOutput embeddings, IReadOnlyList<ShardBuildReport> reports)
    {
        var measured = reports.Where(r => r.RecallAt10 is not null).ToList();
        long measuredRows = measured.Sum(r => (long)r.Rows);
        return new IndexManifest
        {
            Kind = spec.IndexKind,
            Metric = spec.Metric,
            Storage = spec.Storage,
            Dimension = embeddings.Dimension ?? 0,
            Rows = reports.Sum(r => (long)r.Rows),
            SkippedRows = reports.Sum(r => (long)r.SkippedRows),
            Shards = reports,
            BuildParameters = reports.FirstOrDefault()?.Parameters ?? new Dictionary<string, long>(),
            MemoryBudgetBytes = spec.MemoryBudgetBytes,
            RecallAt10 = measured.Count == 0 ? null : measured.Sum(r => r.RecallAt10!.Value * r.Rows) / Math.Max(1, measuredRows),
            RecallQueries = measured.Sum(r => r.RecallQueries),
            Embeddings = spec.Embeddings,
            EmbedJobId = embeddings.Manifest.JobId,
            Model = embeddings.Record?.Model,
            Weights = embeddings.Record?.Weights,
            WeightsSha256 = embeddings.Record?.WeightsSha256,
            Pooling = embeddings.Record?.Pooling,
            EmptyEmbeddingShards = [.. embeddings.Shards.Where(s => s.Rows == 0).Select(s => s.Shard)],
            BuildId = context.JobId,
            CreatedAt = time.GetUtcNow(),
        };
    }

    private Task<EmbeddingOutput> OpenEmbeddingsAsync(IndexJobSpec spec, CancellationToken cancellationToken) =>
        EmbeddingOutput.OpenAsync(stores.Open(StorageLocation.Parse(spec.Embeddings)), cancellationToken);

    private static PlannedTask Task(List<int> group, long rows)
    {
        var task = new PlannedTask(OutputJson.Serialize(new IndexTaskPayload([.. group])), rows);
        group.Clear();
        return task;
    }

    private IndexJobRecord Record(string jobId, IndexJobSpec spec, long rowsPerShard) => new()
    {
        JobId = jobId,
        IndexKind = spec.IndexKind,
        Embeddings = spec.Embeddings,
        Output = spec.Output,
        Metric = spec.Metric,
        Storage = spec.Storage,
        MemoryBudgetBytes = spec.MemoryBudgetBytes,
        RowsPerShard = rowsPerShard,
        Connectivity = spec.Connectivity,
        ExpansionAdd = spec.ExpansionAdd,
        ExpansionSearch = spec.ExpansionSearch,
        RecallQueries = spec.RecallQueries,
        CreatedAt = time.GetUtcNow(),
    };
}
