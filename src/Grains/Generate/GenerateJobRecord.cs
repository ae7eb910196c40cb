namespace Pipeline.Grains.Generate;

/// <summary>A generation job's <c>job.json</c>: the spec as run, so every image can be made again from it and its metadata row.</summary>
public sealed record GenerateJobRecord
{
    public required string JobId { get; init; }
    public required string Kind { get; init; }
    public required string Prompts { get; init; }
    public required long PromptCount { get; init; }
    public required string Output { get; init; }
    public required string Model { get; init; }
    public string? Lora { get; init; }
    public double? LoraScale { get; init; }
    public required string Scheduler { get; init; }
    public int Steps { get; init; }
    public double Guidance { get; init; }
    public int Size { get; init; }
    public int ImagesPerPrompt { get; init; }
    public long Seed { get; init; }
    public int BatchSize { get; init; }
    public int ShardSize { get; init; }
    public required string Device { get; init; }
    public required string ComputeDtype { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
