namespace Pipeline.Contracts.Jobs;

/// <summary>
/// What a user asks of an index job: the output of a finished embed job, the index kind and metric, and the memory
/// one index shard may take. One task builds one index shard from a group of consecutive embedding shards.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.IndexJobSpec")]
public sealed record IndexJobSpec : JobSpec
{
    public static readonly IReadOnlyList<string> IndexKinds = ["exact", "hnsw"];
    public static readonly IReadOnlyList<string> Metrics = ["cosine", "ip", "l2"];
    public static readonly IReadOnlyList<string> StorageTypes = ["float16", "float32"];
    public const long DefaultMemoryBudgetBytes = 8L << 30;
    public const int MaxRecallQueries = 100_000;

    /// <summary>The embed job's output (it must have its <c>manifest.json</c>): a local folder, az:// or a blob URL.</summary>
    [Id(0)] public required string Embeddings { get; init; }

    /// <summary><c>exact</c> (brute force, the ground truth) or <c>hnsw</c> (USearch graphs).</summary>
    [Id(1)] public string IndexKind { get; init; } = "hnsw";

    /// <summary><c>cosine</c>, <c>ip</c> (inner product) or <c>l2</c> (squared Euclidean distance).</summary>
    [Id(2)] public string Metric { get; init; } = "cosine";

    /// <summary>Memory one index shard may take when it is built and when it is served; its row count follows from it.</summary>
    [Id(3)] public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;

    /// <summary>Element type of the stored vectors.</summary>
    [Id(4)] public string Storage { get; init; } = "float16";

    /// <summary>Rows per index shard (whole embedding shards are grouped up to it); null = what the memory budget allows.</summary>
    [Id(5)] public long? RowsPerShard { get; init; }

    /// <summary>HNSW overrides; null = chosen from the memory budget and the row count.</summary>
    [Id(6)] public int? Connectivity { get; init; }

    [Id(7)] public int? ExpansionAdd { get; init; }

    [Id(8)] public int? ExpansionSearch { get; init; }

    /// <summary>Queries per shard for the recall@10 measured at build (held out by leaving each query's own row out).</summary>
    [Id(9)] public int RecallQueries { get; init; } = 1000;

    public override string Kind => "index";

    /// <summary>The default index folder of an embed output: <c>&lt;embeddings&gt;/index/&lt;kind&gt;</c>.</summary>
    public static string DefaultOutput(string embeddings, string indexKind) => $"{embeddings.TrimEnd('/')}/index/{indexKind}";

    public override IReadOnlyList<string> Validate(string jobId)
    {
        var errors = new List<string>(base.Validate(jobId));
        if (string.IsNullOrWhiteSpace(Embeddings))
            errors.Add("--embeddings is required: the output folder of a finished embed job (local, az://<container>/<prefix> or a blob URL).");
        else if (!string.IsNullOrWhiteSpace(Output) && JobSpecChecks.IsSameOrInside(Embeddings, Output))
            errors.Add($"--output {Output} is --embeddings or a folder above it: choose a folder of its own, such as {DefaultOutput(Embeddings, IndexKind)}.");
        if (!IndexKinds.Contains(IndexKind))
            errors.Add($"--kind '{IndexKind}' is not known: use exact or hnsw.");
        if (!Metrics.Contains(Metric))
            errors.Add($"--metric '{Metric}' is not known: use cosine, ip or l2.");
        if (!StorageTypes.Contains(Storage))
            errors.Add($"--storage '{Storage}' is not known: use float16 or float32.");
        if (MemoryBudgetBytes < 16L << 20)
            errors.Add($"--memory-budget {MemoryBudgetBytes} bytes is too small: use at least 16MB (for example 8GB).");
        if (RowsPerShard is < 1)
            errors.Add($"--rows-per-shard {RowsPerShard} must be at least 1.");
        if (Connectivity is < 2 or > 1024)
            errors.Add($"--connectivity {Connectivity} is out of range: use 2 to 1024 (HNSW's M; 16-64 is usual).");
        if (ExpansionAdd is < 1 or > 65_536)
            errors.Add($"--expansion-add {ExpansionAdd} is out of range: use 1 to 65536.");
        if (ExpansionSearch is < 1 or > 65_536)
            errors.Add($"--expansion-search {ExpansionSearch} is out of range: use 1 to 65536.");
        if (IndexKind == "exact" && (Connectivity ?? ExpansionAdd ?? ExpansionSearch) is not null)
            errors.Add("--connectivity and --expansion-* apply to --kind hnsw only.");
        if (RecallQueries is < 0 or > MaxRecallQueries)
            errors.Add($"--recall-queries {RecallQueries} is out of range: use 0 (no measurement) to {MaxRecallQueries}.");
        return errors;
    }
}
