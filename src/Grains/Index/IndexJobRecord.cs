namespace Pipeline.Grains.Index;

/// <summary>An index job's <c>job.json</c>: the spec as resolved at planning.</summary>
public sealed record IndexJobRecord
{
    public required string JobId { get; init; }
    public string Kind => "index";
    public required string IndexKind { get; init; }
    public required string Embeddings { get; init; }
    public required string Output { get; init; }
    public required string Metric { get; init; }
    public required string Storage { get; init; }
    public required long MemoryBudgetBytes { get; init; }
    public required long RowsPerShard { get; init; }
    public int? Connectivity { get; init; }
    public int? ExpansionAdd { get; init; }
    public int? ExpansionSearch { get; init; }
    public int RecallQueries { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
