namespace Pipeline.Grains.Jobs;

/// <summary>Persisted bookkeeping of one shard of a job.</summary>
[GenerateSerializer, Alias("pipeline.ShardState")]
public sealed class ShardState
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public int Count { get; set; }
    [Id(2)] public ShardStatus Status { get; set; }
    [Id(3)] public Guid LeaseId { get; set; }
    [Id(4)] public DateTimeOffset LeaseExpiresAt { get; set; }
    [Id(5)] public string? WorkerId { get; set; }
    [Id(6)] public int Attempts { get; set; }
    [Id(7)] public string? LastError { get; set; }
    [Id(8)] public int Rows { get; set; }
    [Id(9)] public int Failures { get; set; }
}
