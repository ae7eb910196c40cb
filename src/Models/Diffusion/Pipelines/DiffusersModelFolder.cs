using System.Text.Json;

namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>
/// A text-to-image model folder in diffusers' layout, as published on the Hugging Face Hub: <c>model_index.json</c> and
/// one folder per component (<c>unet/</c>, <c>vae/</c>, <c>text_encoder/</c>, <c>tokenizer/</c>, <c>scheduler/</c>). Opening
/// it checks that every component this pipeline needs is there, so a broken folder is refused before any weight is read.
/// </summary>
public sealed class DiffusersModelFolder
{
    /// <summary>The pipelines whose components this stack runs (SD-1.5 shaped: CLIP text encoder, UNet2DCondition, AutoencoderKL).</summary>
    public static readonly IReadOnlyList<string> KnownPipelines = ["LatentConsistencyModelPipeline", "StableDiffusionPipeline"];

    private DiffusersModelFolder(string root, string pipelineClass)
    {
        Root = root;
        PipelineClass = pipelineClass;
    }

    public string Root { get; }

    /// <summary><c>_class_name</c> of <c>model_index.json</c>.</summary>
    public string PipelineClass { get; }

    public string UNet => Path.Combine(Root, "unet");

    public string Vae => Path.Combine(Root, "vae");

    public string TextEncoder => Path.Combine(Root, "text_encoder");

    public string Tokenizer => Path.Combine(Root, "tokenizer");

    public string SchedulerConfig => Path.Combine(Root, "scheduler", "scheduler_config.json");

    /// <summary>Opens and checks the folder.</summary>
    /// <exception cref="InvalidDataException">What is missing or malformed, naming the file.</exception>
    public static DiffusersModelFolder Open(string root)
    {
        if (!Directory.Exists(root))
            throw new InvalidDataException($"model folder {root} does not exist: give a diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/).");
        var index = Path.Combine(root, "model_index.json");
        if (!File.Exists(index))
            throw new InvalidDataException($"model folder {root} has no model_index.json: it is not a diffusers model folder.");
        string pipelineClass;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(index));
            pipelineClass = json.RootElement.TryGetProperty("_class_name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()!
                : throw new InvalidDataException($"{index} has no \"_class_name\": it does not say which pipeline the folder is for.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{index} is not valid JSON ({e.Message}).", e);
        }
        if (!KnownPipelines.Contains(pipelineClass))
            throw new InvalidDataException($"{index} is for {pipelineClass}: this stack runs {string.Join(" and ", KnownPipelines)} folders (SD-1.5 shaped).");
        var folder = new DiffusersModelFolder(root, pipelineClass);
        folder.Require(Path.Combine(folder.UNet, "config.json"));
        folder.RequireWeights(folder.UNet, "diffusion_pytorch_model");
        folder.Require(Path.Combine(folder.Vae, "config.json"));
        folder.RequireWeights(folder.Vae, "diffusion_pytorch_model");
        folder.Require(Path.Combine(folder.TextEncoder, "config.json"));
        folder.RequireWeights(folder.TextEncoder, "model");
        folder.Require(Path.Combine(folder.Tokenizer, "vocab.json"));
        folder.Require(Path.Combine(folder.Tokenizer, "merges.txt"));
        folder.Require(folder.SchedulerConfig);
        return folder;
    }

    private void Require(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"model folder {Root} lacks {Path.GetRelativePath(Root, path)}: a diffusers {PipelineClass} folder has it.");
    }

    private void RequireWeights(string component, string stem)
    {
        if (File.Exists(Path.Combine(component, stem + ".safetensors")) || File.Exists(Path.Combine(component, stem + ".fp16.safetensors"))) return;
        throw new InvalidDataException(
            $"model folder {Root} lacks {Path.GetFileName(component)}/{stem}.safetensors (or .fp16.safetensors): weights are read from safetensors only.");
    }
}
