using System.CommandLine;
using Pipeline.Client.Generate;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline generate</c>: text to image with an LCM (or SD-1.5 + LCM-LoRA) diffusers folder, as a cluster job.</summary>
public static class GenerateCommand
{
    private static readonly Option<string> Prompts = new("--prompts") { Description = "Prompts: a .txt (one a line), .jsonl ({\"prompt\": ...} a line) or .parquet (a prompt column)", Required = true };
    private static readonly Option<string> Model = new("--model") { Description = "A diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/)", Required = true };
    private static readonly Option<string?> Lora = new("--lora") { Description = "A LoRA .safetensors (e.g. LCM-LoRA) fused into the UNet" };
    private static readonly Option<double> LoraScale = new("--lora-scale") { Description = "The LoRA's weight", DefaultValueFactory = _ => 1.0 };
    private static readonly Option<int> Steps = new("--steps") { Description = "Sampling steps (LCM 1-8; DDIM baseline 50)", DefaultValueFactory = _ => 4 };
    private static readonly Option<double> Guidance = new("--guidance") { Description = "Guidance scale (LCM: embedded as w = g - 1; otherwise classifier-free guidance above 1)", DefaultValueFactory = _ => 8.0 };
    private static readonly Option<int> Size = new("--size") { Description = "Width and height in pixels (a multiple of 64)", DefaultValueFactory = _ => 512 };
    private static readonly Option<int> ImagesPerPrompt = new("--images-per-prompt") { Description = "Images per prompt, each with its own seed", DefaultValueFactory = _ => 1 };
    private static readonly Option<long> Seed = new("--seed") { Description = "Image k of the job (prompt-major) gets seed + k", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Images per forward pass", DefaultValueFactory = _ => 8 };
    private static readonly Option<string?> Scheduler = new("--scheduler") { Description = "lcm or ddim (default: the model folder's)" };
    private static readonly Option<int> ShardSize = new("--shard-size") { Description = "Prompts per shard (unit of work and of output files)", DefaultValueFactory = _ => 100 };
    private static readonly Option<string> Device = new("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string> ComputeDType = new("--dtype") { Description = "float32 (exact to diffusers), float16 or bfloat16 (cuda)", DefaultValueFactory = _ => "float32" };
    private static readonly Option<string> Output = new("--output") { Description = "Where images go: a folder, az://<container>/<prefix> or a blob URL", Required = true };
    private static readonly Option<string?> Html = new("--html") { Description = "Also write a contact sheet: a static HTML page of the images with their prompts and seeds" };
    private static readonly Option<string?> JobId = new("--job-id") { Description = "Job id; the same id resumes instead of duplicating (default: a new ULID)" };
    private static readonly Option<int> Priority = new("--priority") { Description = "Higher runs first (-1000 to 1000)", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> NoWait = new("--no-wait") { Description = "Return the job id at once instead of following the job (needs a cluster)" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("generate", "Generate images from prompts with a Latent Consistency Model (or SD-1.5 + LCM-LoRA)")
        {
            Prompts, Model, Lora, LoraScale, Steps, Guidance, Size, ImagesPerPrompt, Seed, BatchSize, Scheduler, ShardSize, Device, ComputeDType,
            Output, Html, JobId, Priority, NoWait, Json,
        };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    /// <summary>The spec the options describe (also what a schedule stores as its template).</summary>
    internal static JobSpec SpecFrom(ParseResult parse) => new GenerateJobSpec
    {
        Prompts = Local(parse.GetValue(Prompts)!),
        Model = Local(parse.GetValue(Model)!),
        Lora = parse.GetValue(Lora) is { } lora ? Local(lora) : null,
        LoraScale = parse.GetValue(LoraScale),
        Steps = parse.GetValue(Steps),
        Guidance = parse.GetValue(Guidance),
        Size = parse.GetValue(Size),
        ImagesPerPrompt = parse.GetValue(ImagesPerPrompt),
        Seed = parse.GetValue(Seed),
        BatchSize = parse.GetValue(BatchSize),
        Scheduler = parse.GetValue(Scheduler),
        ShardSize = parse.GetValue(ShardSize),
        ComputeDevice = parse.GetValue(Device)!,
        ComputeDType = parse.GetValue(ComputeDType)!,
        Output = parse.GetValue(Output)!,
        Priority = parse.GetValue(Priority),
    };

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var spec = (GenerateJobSpec)SpecFrom(parse);
        var jobId = parse.GetValue(JobId) ?? Ulid.NewUlid().ToString();
        var html = parse.GetValue(Html);
        return await JobSubmission.SubmitAndWaitAsync(jobId, spec, JobSubmission.UsesBlobPaths(spec.Prompts, spec.Model, spec.Lora, spec.Output),
            wait: !parse.GetValue(NoWait), parse.GetValue(Json), cancellationToken,
            html is null ? null : (runtime, ct) => WriteContactSheetAsync(runtime, spec, html, ct));
    }

    private static async Task WriteContactSheetAsync(PipelineRuntime runtime, GenerateJobSpec spec, string html, CancellationToken cancellationToken)
    {
        int images = await ContactSheet.WriteAsync(runtime.Stores.Open(StorageLocation.Parse(spec.Output)), html, cancellationToken);
        Console.WriteLine($"contact sheet: {Path.GetFullPath(html)} ({images} images)");
    }

    /// <summary>Local paths are made absolute here: the silo that reads them may not share this process's working folder.</summary>
    private static string Local(string path) => JobSubmission.UsesBlobPaths(path) ? path : Path.GetFullPath(path);
}
