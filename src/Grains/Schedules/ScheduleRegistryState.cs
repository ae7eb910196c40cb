namespace Pipeline.Grains.Schedules;

/// <summary>The registry's state: the names of every schedule, kept sorted (ordinal).</summary>
[GenerateSerializer, Alias("pipeline.ScheduleRegistryState")]
public sealed class ScheduleRegistryState
{
    [Id(0)] public List<string> Names { get; set; } = [];
}
