namespace Pipeline.Storage.Commit;

/// <summary>
/// <c>job.json</c> of an embed job: the spec as submitted, the model identity and when the job was created. Written when
/// planning starts; the task and image counts are in <c>_plan/_complete.json</c> once planning ends.
/// </summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }
    public required string Kind { get; init; }
    public required string Input { get; init; }
    public required string Output { get; init; }
    public required string Model { get; init; }

    /// <summary>The model argument as given (a registry name or a folder), so the same model can be loaded again (a query by image).</summary>
    public string? ModelSource { get; init; }

    /// <summary>The weights argument as given (a path, or <c>random</c>).</summary>
    public string? Weights { get; init; }

    /// <summary>sha256 of the weights file (hex), or <c>random</c> when random weights were asked for.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>Seed of the random initialisation, when <see cref="WeightsSha256"/> is <c>random</c>.</summary>
    public long? RandomSeed { get; init; }

    public int BatchSize { get; init; }
    public int ShardSize { get; init; }
    public required string OutputDtype { get; init; }
    public string? Pooling { get; init; }
    public bool PatchTokens { get; init; }
    public string? PosEmbedResampling { get; init; }
    public string? Device { get; init; }
    public string? ComputeDtype { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
