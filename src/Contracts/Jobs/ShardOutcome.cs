namespace Pipeline.Contracts.Jobs;

/// <summary>What a committed shard holds: embedding rows and failure records.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ShardOutcome")]
public sealed record ShardOutcome
{
    [Id(0)] public int Rows { get; init; }
    [Id(1)] public int Failures { get; init; }
}
