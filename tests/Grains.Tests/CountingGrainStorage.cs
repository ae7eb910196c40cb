using Orleans.Storage;
using Pipeline.Grains.Jobs;

namespace Pipeline.Grains.Tests;

/// <summary>An <see cref="IGrainStorage"/> decorator that logs every write of a job grain's state ("job") and passes every call on.</summary>
public sealed class CountingGrainStorage(IGrainStorage inner, StateWriteLog log) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is JobGrainState job)
            log.Add(new JobStateWrite(grainId.Key.ToString()!, job.State, job.PlanningDone, job.CheckpointDone.Length));
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
