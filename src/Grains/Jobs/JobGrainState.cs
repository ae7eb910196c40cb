using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>Persisted state of a job grain: the spec, the shard plan and each shard's progress.</summary>
[GenerateSerializer, Alias("pipeline.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public EmbedJobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public List<ShardState> Shards { get; set; } = [];
    [Id(3)] public long TotalImages { get; set; }
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(6)] public string? Error { get; set; }
}
