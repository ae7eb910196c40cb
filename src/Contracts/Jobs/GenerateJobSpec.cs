namespace Pipeline.Contracts.Jobs;

/// <summary>
/// What a user asks of a generation job: a prompts file, a diffusers model folder (an LCM, or SD-1.5 with an LCM-LoRA),
/// and how to sample. Image k of the job (prompt-major, then the image's number within its prompt) has seed
/// <see cref="Seed"/> + k, so any image can be regenerated alone and a rerun of a shard writes the same images.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.GenerateJobSpec")]
public sealed record GenerateJobSpec : JobSpec
{
    public const int MaxSteps = 1000;
    public const int MaxSize = 2048;
    public const int MaxImagesPerPrompt = 64;
    public const int MaxBatchSize = 256;
    public const int MaxShardSize = 100_000;
    public static readonly IReadOnlyList<string> Schedulers = ["lcm", "ddim"];
    public static readonly IReadOnlyList<string> Devices = ["cpu", "cuda"];
    public static readonly IReadOnlyList<string> ComputeDTypes = ["float32", "float16", "bfloat16"];

    /// <summary>A <c>.txt</c> (one prompt a line), <c>.jsonl</c> (objects with a <c>prompt</c> field) or <c>.parquet</c> (a <c>prompt</c> column): local or blob.</summary>
    [Id(0)] public required string Prompts { get; init; }

    /// <summary>A diffusers model folder (<c>model_index.json</c>, <c>unet/</c>, <c>vae/</c>, <c>text_encoder/</c>, <c>tokenizer/</c>, <c>scheduler/</c>): local or blob.</summary>
    [Id(1)] public required string Model { get; init; }

    /// <summary>A LoRA <c>.safetensors</c> (kohya, diffusers or PEFT names) fused into the UNet before generating; null for none.</summary>
    [Id(2)] public string? Lora { get; init; }

    [Id(3)] public double LoraScale { get; init; } = 1.0;

    [Id(4)] public int Steps { get; init; } = 4;

    /// <summary>
    /// Guidance scale. A distilled LCM (its UNet has a guidance embedding) takes it as that embedding (w = scale - 1) and
    /// runs no classifier-free guidance; any other UNet (SD-1.5 + LCM-LoRA) runs classifier-free guidance when it is above 1.
    /// </summary>
    [Id(5)] public double Guidance { get; init; } = 8.0;

    /// <summary>Width and height in pixels (a multiple of 8 x the VAE's downscale, 64 for SD-1.5 shapes).</summary>
    [Id(6)] public int Size { get; init; } = 512;

    [Id(7)] public int ImagesPerPrompt { get; init; } = 1;

    [Id(8)] public long Seed { get; init; }

    /// <summary>Images per forward pass.</summary>
    [Id(9)] public int BatchSize { get; init; } = 8;

    /// <summary><c>lcm</c> or <c>ddim</c> (the 50-step baseline); null = the model folder's own scheduler.</summary>
    [Id(10)] public string? Scheduler { get; init; }

    /// <summary>Prompts per task.</summary>
    [Id(11)] public int ShardSize { get; init; } = 100;

    [Id(12)] public string ComputeDevice { get; init; } = "cpu";

    /// <summary><c>float32</c> (exact to diffusers on CPU), or <c>float16</c> / <c>bfloat16</c> for the models on CUDA.</summary>
    [Id(13)] public string ComputeDType { get; init; } = "float32";

    public override string Kind => "generate";

    public override string Device => ComputeDevice;

    /// <summary>The seed of image <paramref name="imageIndex"/> of prompt <paramref name="promptIndex"/> (both from 0, in the whole job).</summary>
    public long SeedOf(long promptIndex, int imageIndex) => Seed + promptIndex * ImagesPerPrompt + imageIndex;

    public override IReadOnlyList<string> Validate(string jobId)
    {
        var errors = new List<string>(base.Validate(jobId));
        if (string.IsNullOrWhiteSpace(Prompts))
            errors.Add("--prompts is required: a .txt (one prompt a line), .jsonl (objects with a \"prompt\" field) or .parquet (a \"prompt\" column).");
        else if (!HasPromptsExtension(Prompts))
            errors.Add($"--prompts {Prompts} is not a .txt, .jsonl or .parquet file: give one of those.");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add("--model is required: a diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/).");
        if (Lora is not null && !Lora.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            errors.Add($"--lora {Lora} is not a .safetensors file: LoRA weights are read from safetensors only.");
        if (!double.IsFinite(LoraScale) || LoraScale is < -16 or > 16)
            errors.Add($"--lora-scale {LoraScale} is out of range: use -16 to 16.");
        if (Steps is < 1 or > MaxSteps)
            errors.Add($"--steps {Steps} is out of range: use 1 to {MaxSteps} (LCM: 1-8; the DDIM baseline: 50).");
        if (!double.IsFinite(Guidance) || Guidance is < 0 or > 100)
            errors.Add($"--guidance {Guidance} is out of range: use 0 to 100.");
        if (Size is < 64 or > MaxSize || Size % 64 != 0)
            errors.Add($"--size {Size} is not valid: use a multiple of 64 from 64 to {MaxSize}.");
        if (ImagesPerPrompt is < 1 or > MaxImagesPerPrompt)
            errors.Add($"--images-per-prompt {ImagesPerPrompt} is out of range: use 1 to {MaxImagesPerPrompt}.");
        if (Seed < 0)
            errors.Add($"--seed {Seed} is negative: use 0 or more.");
        if (BatchSize is < 1 or > MaxBatchSize)
            errors.Add($"--batch-size {BatchSize} is out of range: use 1 to {MaxBatchSize}.");
        if (ShardSize is < 1 or > MaxShardSize)
            errors.Add($"--shard-size {ShardSize} is out of range: use 1 to {MaxShardSize}.");
        if (Scheduler is not null && !Schedulers.Contains(Scheduler))
            errors.Add($"--scheduler '{Scheduler}' is not known: use lcm or ddim.");
        if (!Devices.Contains(ComputeDevice))
            errors.Add($"--device '{ComputeDevice}' is not known: use cpu or cuda.");
        if (!ComputeDTypes.Contains(ComputeDType))
            errors.Add($"--dtype '{ComputeDType}' is not known: use float32, float16 or bfloat16.");
        else if (ComputeDType != "float32" && ComputeDevice != "cuda")
            errors.Add($"--dtype {ComputeDType} needs --device cuda: on CPU generation runs in float32, exact to diffusers.");
        if (!string.IsNullOrWhiteSpace(Output) && !string.IsNullOrWhiteSpace(Model) && JobSpecChecks.IsSameOrInside(Output, Model))
            errors.Add($"--output {Output} is inside the model folder {Model}: choose an output outside it.");
        return errors;
    }

    private static bool HasPromptsExtension(string path)
    {
        var name = path.TrimEnd('/');
        return name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
    }
}
