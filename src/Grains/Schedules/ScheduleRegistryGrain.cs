using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Schedules;

/// <summary>The list of schedule names behind <c>schedule list</c>; writes only when the set changes.</summary>
public sealed class ScheduleRegistryGrain(
    [PersistentState("schedules", GrainStorageNames.Jobs)] IPersistentState<ScheduleRegistryState> registry) : Grain, IScheduleRegistryGrain
{
    public async Task AddAsync(string name, CancellationToken cancellationToken = default)
    {
        var names = registry.State.Names;
        int at = names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0) return;
        names.Insert(~at, name);
        await registry.WriteStateAsync(cancellationToken);
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        int at = registry.State.Names.BinarySearch(name, StringComparer.Ordinal);
        if (at < 0) return;
        registry.State.Names.RemoveAt(at);
        await registry.WriteStateAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(registry.State.Names.ToList());
}
