namespace Pipeline.Contracts.Jobs;

/// <summary>A shard handed to one worker until <see cref="ExpiresAt"/>, renewed by heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.ShardLease")]
public sealed record ShardLease
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required int Shard { get; init; }
    [Id(2)] public required Guid LeaseId { get; init; }
    [Id(3)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(4)] public required EmbedJobSpec Spec { get; init; }

    /// <summary>Object key (under the output) of the shard's list of input keys.</summary>
    [Id(5)] public required string PlanKey { get; init; }

    [Id(6)] public int Attempt { get; init; }
}
