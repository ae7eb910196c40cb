namespace Pipeline.Grains.Jobs;

/// <summary>The fields of any kind's <c>job.json</c> the machinery reads: whose output this is.</summary>
public sealed record JobRecordHeader
{
    public required string JobId { get; init; }
    public string? Kind { get; init; }
}
