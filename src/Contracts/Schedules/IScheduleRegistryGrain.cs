namespace Pipeline.Contracts.Schedules;

/// <summary>
/// The names of every schedule, so <c>pipeline schedule list</c> can find them (grains cannot be enumerated). Keyed
/// <see cref="ScheduleRegistryKeys.All"/>. Schedule grains add and remove themselves; the schedule grain is the truth.
/// </summary>
[Alias("pipeline.IScheduleRegistryGrain")]
public interface IScheduleRegistryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(string name, CancellationToken cancellationToken = default);

    [Alias("Remove")]
    Task RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every registered name, in ordinal order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
}
