namespace Pipeline.Contracts.Jobs;

/// <summary>What a user asks of an embed job: a corpus, a vision model, and how to write the embeddings.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.EmbedJobSpec")]
public sealed record EmbedJobSpec : JobSpec
{
    public const int MaxBatchSize = 4096;
    public const int MaxShardSize = 1_000_000;
    public static readonly IReadOnlyList<string> Poolings = ["cls", "mean", "cls+mean"];
    public static readonly IReadOnlyList<string> Devices = ["cpu", "cuda"];
    public static readonly IReadOnlyList<string> ComputeDTypes = ["float32", "bfloat16", "float16"];
    public static readonly IReadOnlyList<string> PosEmbedResamplings = ["timm", "transformers", "original"];

    /// <summary>
    /// Corpus: a local folder, <c>az://container/prefix</c> or a blob URL (images and WebDataset <c>.tar</c> shards), or
    /// a manifest (<c>.txt</c>, <c>.csv</c>, <c>.parquet</c> of paths).
    /// </summary>
    [Id(0)] public required string Input { get; init; }

    /// <summary>Registry name, Hugging Face transformers folder or timm Hub folder.</summary>
    [Id(1)] public required string Model { get; init; }

    /// <summary>A <c>.safetensors</c> file (local or az://), or <c>random</c> for seeded random weights; null when the model folder carries them.</summary>
    [Id(2)] public string? Weights { get; init; }

    [Id(3)] public int BatchSize { get; init; } = 32;

    /// <summary>Images per task (one task per <c>.tar</c> whatever its size).</summary>
    [Id(4)] public int ShardSize { get; init; } = 1000;

    [Id(5)] public OutputDType OutputDType { get; init; } = OutputDType.Float16;

    /// <summary>ViT pooling: <c>cls</c>, <c>mean</c> or <c>cls+mean</c>; null = the model's default.</summary>
    [Id(6)] public string? Pooling { get; init; }

    /// <summary>Also write <c>patch_emb/</c> (ViTs only).</summary>
    [Id(7)] public bool PatchTokens { get; init; }

    /// <summary>Where the model runs: <c>cpu</c> or <c>cuda</c>.</summary>
    [Id(8)] public string ComputeDevice { get; init; } = "cpu";

    /// <summary>Compute dtype of the forward pass: <c>float32</c> (exact), <c>bfloat16</c>, or <c>float16</c> (CUDA only).</summary>
    [Id(9)] public string ComputeDType { get; init; } = "float32";

    /// <summary>
    /// ViT position-table resampling for inputs off the table's grid: <c>timm</c>, <c>transformers</c> or <c>original</c>;
    /// null = the behaviour of the library the checkpoint came from.
    /// </summary>
    [Id(10)] public string? PosEmbedResampling { get; init; }

    public override string Kind => "embed";

    public override string Device => ComputeDevice;

    public override IReadOnlyList<string> Validate(string jobId)
    {
        var errors = new List<string>(base.Validate(jobId));
        if (string.IsNullOrWhiteSpace(Input))
            errors.Add("--input is required: a local folder, az://<container>/<prefix>, a blob URL, or a manifest (.txt, .csv, .parquet).");
        else if (!string.IsNullOrWhiteSpace(Output) && JobSpecChecks.IsSameOrInside(Output, Input))
            errors.Add($"--output {Output} is --input or inside it: outputs would be listed as corpus images on a rerun; choose an output outside {Input}.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add("--model is required: a registry name (see 'pipeline models') or a model folder.");
        if (BatchSize is < 1 or > MaxBatchSize)
            errors.Add($"--batch-size {BatchSize} is out of range: use 1 to {MaxBatchSize}.");
        if (ShardSize is < 1 or > MaxShardSize)
            errors.Add($"--shard-size {ShardSize} is out of range: use 1 to {MaxShardSize}.");
        if (Pooling is not null && !Poolings.Contains(Pooling))
            errors.Add($"--pooling '{Pooling}' is not known: use one of {string.Join(", ", Poolings)}.");
        if (PosEmbedResampling is not null && !PosEmbedResamplings.Contains(PosEmbedResampling))
            errors.Add($"--pos-resample '{PosEmbedResampling}' is not known: use {string.Join(", ", PosEmbedResamplings)}.");
        if (!Devices.Contains(ComputeDevice))
            errors.Add($"--device '{ComputeDevice}' is not known: use cpu or cuda.");
        if (!ComputeDTypes.Contains(ComputeDType))
            errors.Add($"--dtype '{ComputeDType}' is not known: use float32, bfloat16 or float16.");
        else if (ComputeDType == "float16" && ComputeDevice != "cuda")
            errors.Add("--dtype float16 needs --device cuda (CPU kernels for float16 are slow or missing): use bfloat16 on CPU.");
        return errors;
    }
}
