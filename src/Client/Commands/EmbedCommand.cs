using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline embed</c>: submit an embed job and (unless <c>--no-wait</c>) follow it to its end, exiting with its exit code.</summary>
public static class EmbedCommand
{
    private static readonly Option<string> Input = new("--input") { Description = "Corpus: a folder, az://<container>/<prefix> or a blob URL", Required = true };
    private static readonly Option<string> Model = new("--model") { Description = "Registry name (see 'pipeline models'), or a Hugging Face / timm model folder", Required = true };
    private static readonly Option<string?> Weights = new("--weights") { Description = "A .safetensors file, or 'random' for seeded random weights (registry names need it)" };
    private static readonly Option<string> Output = new("--output") { Description = "Where outputs go: a folder, az://<container>/<prefix> or a blob URL", Required = true };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> ShardSize = new("--shard-size") { Description = "Images per shard (unit of work and of output files)", DefaultValueFactory = _ => 1000 };
    private static readonly Option<OutputDType> OutputDType = new("--output-dtype") { Description = "Embedding file dtype: Float16 or Float32", DefaultValueFactory = _ => Contracts.Jobs.OutputDType.Float16 };
    private static readonly Option<string?> Pooling = new("--pooling") { Description = "ViT pooling: cls, mean or cls+mean" };
    private static readonly Option<bool> PatchTokens = new("--patch-tokens") { Description = "Also write patch_emb/ (ViTs)" };
    private static readonly Option<string?> PosResample = new("--pos-resample") { Description = "ViT position-table resampling: timm, transformers or original (default: the checkpoint's library)" };
    private static readonly Option<string> Device = new("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string> ComputeDType = new("--dtype") { Description = "Forward-pass dtype: float32 (exact), bfloat16, float16 (cuda)", DefaultValueFactory = _ => "float32" };
    private static readonly Option<string?> JobId = new("--job-id") { Description = "Job id; the same id resumes instead of duplicating (default: a new ULID)" };
    private static readonly Option<int> Priority = new("--priority") { Description = "Higher runs first; equal priorities run in submission order (-1000 to 1000)", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> NoWait = new("--no-wait") { Description = "Return the job id at once instead of following the job (needs a cluster)" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("embed", "Embed a corpus of images with a vision model")
        {
            Input, Model, Weights, Output, BatchSize, ShardSize, OutputDType, Pooling, PatchTokens, PosResample, Device, ComputeDType, JobId, Priority, NoWait, Json,
        };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var spec = SpecFrom(parse);
        var jobId = parse.GetValue(JobId) ?? Ulid.NewUlid().ToString();
        return await JobSubmission.SubmitAndWaitAsync(jobId, spec, JobSubmission.UsesBlobPaths(spec.Input, spec.Output, spec.Model, spec.Weights),
            wait: !parse.GetValue(NoWait), parse.GetValue(Json), cancellationToken);
    }

    /// <summary>The spec a parse of this command asks for (also what <c>schedule add -- embed ...</c> stores as its template).</summary>
    internal static EmbedJobSpec SpecFrom(ParseResult parse) =>
        new()
        {
            Input = parse.GetValue(Input)!,
            Model = parse.GetValue(Model)!,
            Weights = parse.GetValue(Weights),
            Output = parse.GetValue(Output)!,
            BatchSize = parse.GetValue(BatchSize),
            ShardSize = parse.GetValue(ShardSize),
            OutputDType = parse.GetValue(OutputDType),
            Pooling = parse.GetValue(Pooling),
            PatchTokens = parse.GetValue(PatchTokens),
            PosEmbedResampling = parse.GetValue(PosResample),
            ComputeDevice = parse.GetValue(Device)!,
            ComputeDType = parse.GetValue(ComputeDType)!,
            Priority = parse.GetValue(Priority),
        };
}
