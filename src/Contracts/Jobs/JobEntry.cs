namespace Pipeline.Contracts.Jobs;

/// <summary>A job as the queue knows it: enough to order jobs and list them.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.JobEntry")]
public sealed record JobEntry
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string Kind { get; init; }
    [Id(2)] public int Priority { get; init; }
    [Id(3)] public DateTimeOffset SubmittedAt { get; init; }
    [Id(4)] public bool Active { get; init; } = true;
    [Id(5)] public string? Output { get; init; }
}
