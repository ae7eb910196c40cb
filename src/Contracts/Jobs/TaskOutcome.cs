namespace Pipeline.Contracts.Jobs;

/// <summary>What a committed task holds: output rows and failure records (failed samples).</summary>
[GenerateSerializer, Immutable, Alias("pipeline.TaskOutcome")]
public sealed record TaskOutcome
{
    [Id(0)] public int Rows { get; init; }
    [Id(1)] public int Failures { get; init; }
}
