namespace Pipeline.Contracts.Schedules;

/// <summary>Keys of <see cref="IScheduleRegistryGrain"/>.</summary>
public static class ScheduleRegistryKeys
{
    /// <summary>The one registry every schedule enters.</summary>
    public const string All = "all";
}
