using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Tests;

/// <summary>One write of a job grain's state, as it was at the moment of the write.</summary>
public sealed record JobStateWrite(string JobId, JobState State, bool PlanningDone, int CheckpointBytes);
