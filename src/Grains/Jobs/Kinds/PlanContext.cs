using Pipeline.Contracts.Jobs;
using Pipeline.Storage;

namespace Pipeline.Grains.Jobs.Kinds;

/// <summary>What a planner gets: the job, its output store, and the number its first task will have.</summary>
public sealed record PlanContext(string JobId, JobSpec Spec, IObjectStore Output, int FirstTask);
