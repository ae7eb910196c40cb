using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline index</c>: build an exact or HNSW index over a finished embed job's output, as a cluster job.</summary>
public static class IndexCommand
{
    private static readonly Option<string> Embeddings = new("--embeddings") { Description = "The output folder of a finished embed job", Required = true };
    private static readonly Option<string> Kind = new("--kind") { Description = "exact (brute force, the ground truth) or hnsw", DefaultValueFactory = _ => "hnsw" };
    private static readonly Option<string> Metric = new("--metric") { Description = "cosine, ip (inner product) or l2 (squared distance)", DefaultValueFactory = _ => "cosine" };
    private static readonly Option<string> MemoryBudget = new("--memory-budget") { Description = "Memory one index shard may use to build and serve (8GB, 512MB; powers of 1024)", DefaultValueFactory = _ => "8GB" };
    private static readonly Option<string> Storage = new("--storage") { Description = "Stored vectors: float16 or float32", DefaultValueFactory = _ => "float16" };
    private static readonly Option<long?> RowsPerShard = new("--rows-per-shard") { Description = "Rows per index shard (default: what the memory budget allows)" };
    private static readonly Option<int?> Connectivity = new("--connectivity") { Description = "HNSW connectivity (M); default chosen from the budget and row count" };
    private static readonly Option<int?> ExpansionAdd = new("--expansion-add") { Description = "HNSW expansion at build (efConstruction)" };
    private static readonly Option<int?> ExpansionSearch = new("--expansion-search") { Description = "HNSW expansion at query (ef)" };
    private static readonly Option<int> RecallQueries = new("--recall-queries") { Description = "Held-out queries per shard for the recall@10 measured at build (0: none)", DefaultValueFactory = _ => 1000 };
    private static readonly Option<string?> Output = new("--output") { Description = "The index folder (default: <embeddings>/index/<kind>)" };
    private static readonly Option<string?> JobId = new("--job-id") { Description = "Job id; the same id resumes instead of duplicating (default: a new ULID)" };
    private static readonly Option<int> Priority = new("--priority") { Description = "Higher runs first (-1000 to 1000)", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> NoWait = new("--no-wait") { Description = "Return the job id at once instead of following the job (needs a cluster)" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("index", "Build a kNN index (exact or HNSW) over an embed job's output")
        {
            Embeddings, Kind, Metric, MemoryBudget, Storage, RowsPerShard, Connectivity, ExpansionAdd, ExpansionSearch, RecallQueries, Output, JobId, Priority, NoWait, Json,
        };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var spec = SpecFrom(parse);
        var jobId = parse.GetValue(JobId) ?? Ulid.NewUlid().ToString();
        return await JobSubmission.SubmitAndWaitAsync(jobId, spec, JobSubmission.UsesBlobPaths(spec.Embeddings, spec.Output), wait: !parse.GetValue(NoWait),
            parse.GetValue(Json), cancellationToken, (runtime, ct) => PrintSummaryAsync(runtime, spec, ct));
    }

    /// <summary>The spec a parse of this command asks for (also what <c>schedule add -- index ...</c> stores as its template).</summary>
    internal static IndexJobSpec SpecFrom(ParseResult parse)
    {
        var embeddings = parse.GetValue(Embeddings)!;
        var kind = parse.GetValue(Kind)!;
        return new IndexJobSpec
        {
            Embeddings = embeddings,
            IndexKind = kind,
            Metric = parse.GetValue(Metric)!,
            MemoryBudgetBytes = ByteSizes.Parse(parse.GetValue(MemoryBudget)!, "--memory-budget"),
            Storage = parse.GetValue(Storage)!,
            RowsPerShard = parse.GetValue(RowsPerShard),
            Connectivity = parse.GetValue(Connectivity),
            ExpansionAdd = parse.GetValue(ExpansionAdd),
            ExpansionSearch = parse.GetValue(ExpansionSearch),
            RecallQueries = parse.GetValue(RecallQueries),
            Output = parse.GetValue(Output) ?? IndexJobSpec.DefaultOutput(embeddings, kind),
            Priority = parse.GetValue(Priority),
        };
    }

    private static async Task PrintSummaryAsync(PipelineRuntime runtime, IndexJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var index = await IndexManifests.ReadAsync(runtime.Stores.Open(StorageLocation.Parse(spec.Output)), cancellationToken);
            var recall = index.RecallAt10 is { } r ? $", recall@10 {r:0.000} on {index.RecallQueries} held-out queries" : "";
            Console.WriteLine($"index: {index.Kind} {index.Metric}, {index.Rows} rows of dimension {index.Dimension} in {index.Shards.Count} shard(s){recall}; " +
                              $"{index.SkippedRows} rows skipped (NaN or infinite); at {spec.Output}");
            if (index.EmptyEmbeddingShards.Count > 0)
                Console.WriteLine($"note: embedding shards {string.Join(", ", index.EmptyEmbeddingShards)} have no rows (every image failed to embed): nothing of theirs is indexed.");
        }
        catch (InvalidDataException e)
        {
            Console.WriteLine($"no index: {e.Message}");
        }
    }
}
