using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>Persisted list of the cluster's jobs: active ones and the most recent finished ones.</summary>
[GenerateSerializer, Alias("pipeline.JobQueueState")]
public sealed class JobQueueState
{
    [Id(0)] public List<JobEntry> Jobs { get; set; } = [];
}
