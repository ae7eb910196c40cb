namespace Pipeline.Contracts.Jobs;

/// <summary>What a user asks of an embed job. Validated by <see cref="EmbedJobSpecValidator"/> on both sides of the wire.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.EmbedJobSpec")]
public sealed record EmbedJobSpec
{
    /// <summary>Corpus location: a local folder, <c>az://container/prefix</c> or a blob URL.</summary>
    [Id(0)] public required string Input { get; init; }

    /// <summary>Registry name, Hugging Face transformers folder or timm Hub folder.</summary>
    [Id(1)] public required string Model { get; init; }

    /// <summary>A <c>.safetensors</c> file (local or az://), or <c>random</c> for seeded random weights; null when the model folder carries them.</summary>
    [Id(2)] public string? Weights { get; init; }

    /// <summary>Where the outputs go (DESIGN.md layout).</summary>
    [Id(3)] public required string Output { get; init; }

    [Id(4)] public int BatchSize { get; init; } = 32;

    [Id(5)] public int ShardSize { get; init; } = 1000;

    [Id(6)] public OutputDType OutputDType { get; init; } = OutputDType.Float16;

    /// <summary>ViT pooling: <c>cls</c>, <c>mean</c> or <c>cls+mean</c>; null = the model's default.</summary>
    [Id(7)] public string? Pooling { get; init; }

    /// <summary>Also write <c>patch_emb/</c> (ViTs only).</summary>
    [Id(8)] public bool PatchTokens { get; init; }

    /// <summary>A shard that failed this many times is marked failed with its last error.</summary>
    [Id(9)] public int MaxShardAttempts { get; init; } = 3;

    /// <summary>Where the model runs: <c>cpu</c> or <c>cuda</c>.</summary>
    [Id(10)] public string Device { get; init; } = "cpu";

    /// <summary>Compute dtype of the forward pass: <c>float32</c> (exact), <c>bfloat16</c>, or <c>float16</c> (CUDA only).</summary>
    [Id(11)] public string ComputeDType { get; init; } = "float32";

    /// <summary>
    /// ViT position-table resampling for inputs off the table's grid: <c>timm</c>, <c>transformers</c> or <c>original</c>;
    /// null = the behaviour of the library the checkpoint came from.
    /// </summary>
    [Id(12)] public string? PosEmbedResampling { get; init; }
}
