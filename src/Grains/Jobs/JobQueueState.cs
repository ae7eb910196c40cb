namespace Pipeline.Grains.Jobs;

/// <summary>Persisted set of jobs that still have work for workers.</summary>
[GenerateSerializer, Alias("pipeline.JobQueueState")]
public sealed class JobQueueState
{
    [Id(0)] public List<string> ActiveJobs { get; set; } = [];
}
