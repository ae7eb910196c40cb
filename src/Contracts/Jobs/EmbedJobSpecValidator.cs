using System.Text.RegularExpressions;

namespace Pipeline.Contracts.Jobs;

/// <summary>
/// The checks a spec must pass before it is accepted, worded as what to fix. Pure, so the CLI runs them before it
/// connects and the job grain runs them again (it trusts no caller). Checks that need storage or the model registry
/// (input exists, model is known) live in the grain.
/// </summary>
public static partial class EmbedJobSpecValidator
{
    public const int MaxBatchSize = 4096;
    public const int MaxShardSize = 1_000_000;
    public static readonly IReadOnlyList<string> Poolings = ["cls", "mean", "cls+mean"];
    public static readonly IReadOnlyList<string> Devices = ["cpu", "cuda"];
    public static readonly IReadOnlyList<string> ComputeDTypes = ["float32", "bfloat16", "float16"];
    public static readonly IReadOnlyList<string> PosEmbedResamplings = ["timm", "transformers", "original"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex JobIdPattern();

    public static bool IsValidJobId(string jobId) => JobIdPattern().IsMatch(jobId);

    public static IReadOnlyList<string> Validate(string jobId, EmbedJobSpec spec)
    {
        var errors = new List<string>();
        if (!IsValidJobId(jobId))
            errors.Add($"--job-id '{jobId}' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(spec.Input))
            errors.Add("--input is required: a local folder, az://<container>/<prefix> or a blob URL.");
        if (string.IsNullOrWhiteSpace(spec.Output))
            errors.Add("--output is required: a local folder, az://<container>/<prefix> or a blob URL.");
        else if (string.Equals(Normalize(spec.Input), Normalize(spec.Output), StringComparison.Ordinal))
            errors.Add("--output must differ from --input: outputs would be listed as corpus images on a rerun.");
        if (string.IsNullOrWhiteSpace(spec.Model))
            errors.Add("--model is required: a registry name (see 'pipeline models') or a model folder.");
        if (spec.BatchSize is < 1 or > MaxBatchSize)
            errors.Add($"--batch-size {spec.BatchSize} is out of range: use 1 to {MaxBatchSize}.");
        if (spec.ShardSize is < 1 or > MaxShardSize)
            errors.Add($"--shard-size {spec.ShardSize} is out of range: use 1 to {MaxShardSize}.");
        if (spec.MaxShardAttempts < 1)
            errors.Add($"max shard attempts {spec.MaxShardAttempts} must be at least 1.");
        if (spec.Pooling is not null && !Poolings.Contains(spec.Pooling))
            errors.Add($"--pooling '{spec.Pooling}' is not known: use one of {string.Join(", ", Poolings)}.");
        if (spec.PosEmbedResampling is not null && !PosEmbedResamplings.Contains(spec.PosEmbedResampling))
            errors.Add($"--pos-resample '{spec.PosEmbedResampling}' is not known: use {string.Join(", ", PosEmbedResamplings)}.");
        if (!Devices.Contains(spec.Device))
            errors.Add($"--device '{spec.Device}' is not known: use cpu or cuda.");
        if (!ComputeDTypes.Contains(spec.ComputeDType))
            errors.Add($"--dtype '{spec.ComputeDType}' is not known: use float32, bfloat16 or float16.");
        else if (spec.ComputeDType == "float16" && spec.Device != "cuda")
            errors.Add("--dtype float16 needs --device cuda (CPU kernels for float16 are slow or missing): use bfloat16 on CPU.");
        return errors;
    }

    private static string Normalize(string location) => location.Trim().TrimEnd('/');
}
