namespace Pipeline.Client.Index;

/// <summary><c>dedup/summary.json</c> and what <c>pipeline dedup --json</c> prints.</summary>
public sealed record DedupSummary
{
    public required string Index { get; init; }
    public required string Metric { get; init; }
    public required double Threshold { get; init; }
    public required int K { get; init; }
    public required long Images { get; init; }
    public required int Clusters { get; init; }
    public required int ImagesInClusters { get; init; }
    public required int ImagesRemoved { get; init; }
    public required string Duplicates { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
