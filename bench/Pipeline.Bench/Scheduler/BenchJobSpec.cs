using Pipeline.Contracts.Jobs;

namespace Pipeline.Bench.Scheduler;

/// <summary>The spec of the bench's own job kind: a number of empty tasks. Lives in the bench to show a kind is a file, not a branch.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.bench.BenchJobSpec")]
public sealed record BenchJobSpec : JobSpec
{
    [Id(0)] public required int Tasks { get; init; }

    public override string Kind => "bench";

    public override IReadOnlyList<string> Validate(string jobId)
    {
        var errors = new List<string>(base.Validate(jobId));
        if (Tasks < 1) errors.Add($"tasks {Tasks} is out of range: use 1 or more.");
        return errors;
    }
}
