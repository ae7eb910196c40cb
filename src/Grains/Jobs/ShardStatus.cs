namespace Pipeline.Grains.Jobs;

/// <summary>Where a shard is in its life: waiting, held by a worker, committed, or given up on.</summary>
[GenerateSerializer]
public enum ShardStatus
{
    Pending,
    Leased,
    Done,
    Failed,
}
