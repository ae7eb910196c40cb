using System.Text.Json;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;

namespace Pipeline.Models.Loading;

/// <summary>
/// Resolves a user's <c>--model</c> / <c>--weights</c>: a registry name or a bare timm architecture (timm's default
/// tag; with a <c>.safetensors</c> file or <c>random</c>), a Hugging Face transformers folder (<c>config.json</c> with <c>model_type</c>, weights,
/// <c>preprocessor_config.json</c>), or a timm Hub folder (<c>config.json</c> with <c>architecture</c> and
/// <c>pretrained_cfg</c>, optional <c>model_args</c>, weights). Only headers are read; no tensor data.
/// </summary>
public static class ModelResolver
{
    /// <summary>The <c>--weights</c> value that asks for freshly initialised weights.</summary>
    public const string RandomWeights = "random";

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Resolves <paramref name="model"/> and the optional <paramref name="weights"/> override.</summary>
    /// <exception cref="ArgumentException">Neither a folder nor a registry name, or a registry name without weights.</exception>
    /// <exception cref="FileNotFoundException">A named file (config, weights) does not exist.</exception>
    /// <exception cref="InvalidDataException">A config, processor or checkpoint file is malformed.</exception>
    /// <exception cref="NotSupportedException">An architecture or preprocessing Pipeline does not implement.</exception>
    public static ResolvedModel Resolve(string model, string? weights)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (Directory.Exists(model))
        {
            return ResolveFolder(Path.GetFullPath(model), weights);
        }
        if (ModelRegistry.TryGet(model, out var variant))
        {
            if (string.IsNullOrWhiteSpace(weights))
            {
                var named = string.Equals(model, variant.Name, StringComparison.OrdinalIgnoreCase)
                    ? $"'{variant.Name}'"
                    : $"'{model}' (timm's default tag {variant.Name})";
                throw new ArgumentException(
                    $"Model {named} is a registry name: pass --weights <file.safetensors> (or a sharded .safetensors.index.json), or --weights {RandomWeights} for random initialisation.",
                    nameof(weights));
            }
            var (path, naming) = ResolveWeights(weights, variant.Naming);
            return new ResolvedModel(variant.Name, variant.Architecture, variant.Preprocess, naming, path, variant.NumClasses);
        }
        if (File.Exists(model))
        {
            throw new ArgumentException(
                $"--model '{model}' is a file; pass a model folder (config.json + weights) or a registry name, and a weights file with --weights.",
                nameof(model));
        }
        throw new ArgumentException(
            $"--model '{model}' is neither a model folder nor a registry name.{ModelRegistry.Hint(model)} Run 'pipeline models' for the list, or pass a folder with config.json.",
            nameof(model));
    }

    private static ResolvedModel ResolveFolder(string folder, string? weights)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException(
                $"Model folder '{folder}' has no config.json (expected a Hugging Face transformers folder or a timm Hub folder).", configPath);
        }
        using var config = ReadJson(configPath);
        var root = config.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{configPath}' is a JSON {root.ValueKind}, expected an object");
        }
        if (root.TryGetProperty("architecture", out var arch) && arch.ValueKind == JsonValueKind.String)
        {
            return ResolveTimmFolder(folder, configPath, root, arch.GetString()!, weights);
        }
        if (root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            return ResolveHuggingFaceFolder(folder, configPath, root, weights);
        }
        throw new InvalidDataException(
            $"'{configPath}' has neither 'architecture' (timm Hub layout) nor 'model_type' (Hugging Face transformers layout).");
    }

    private static ResolvedModel ResolveTimmFolder(string folder, string configPath, JsonElement root, string architecture, string? weights)
    {
        JsonElement? modelArgs = root.TryGetProperty("model_args", out var ma) && ma.ValueKind == JsonValueKind.Object ? ma : null;
        var architectureConfig = ArchitectureDispatch.FromTimm(architecture, modelArgs);
        if (!root.TryGetProperty("pretrained_cfg", out var pretrained))
        {
            throw new InvalidDataException($"'{configPath}' (timm layout) has no 'pretrained_cfg' with the eval preprocessing");
        }
        var preprocess = TimmPretrainedConfig.Parse(pretrained);
        var geometry = TimmPretrainedConfig.ParseGeometry(pretrained);
        CheckTimmInputSize(configPath, architectureConfig, preprocess);
        // timm Hub configs carry num_classes at the top level (and in pretrained_cfg); model_args may override it.
        var numClasses = IntOrNull(modelArgs, "num_classes") ?? IntOrNull(root, "num_classes") ?? IntOrNull(pretrained, "num_classes") ?? 0;
        var (path, naming) = weights is null ? (FindWeights(folder), CheckpointNaming.Timm) : ResolveWeights(weights, CheckpointNaming.Timm);
        return new ResolvedModel(folder, architectureConfig, preprocess, naming, path, numClasses) { Geometry = geometry };
    }

    private static ResolvedModel ResolveHuggingFaceFolder(string folder, string configPath, JsonElement root, string? weights)
    {
        var architectureConfig = ArchitectureDispatch.FromHuggingFace(root);
        var processorPath = Path.Combine(folder, "preprocessor_config.json");
        if (!File.Exists(processorPath))
        {
            throw new FileNotFoundException(
                $"Hugging Face model folder '{folder}' has no preprocessor_config.json (its eval preprocessing).", processorPath);
        }
        using var processor = ReadJson(processorPath);
        var preprocess = HuggingFacePreprocessorConfig.Parse(processor.RootElement);
        var geometry = HuggingFacePreprocessorConfig.ParseGeometry(processor.RootElement);
        var classifier = root.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array
            && archs.EnumerateArray().Any(a => a.GetString()?.EndsWith("ForImageClassification", StringComparison.Ordinal) == true);
        var numClasses = 0;
        if (classifier)
        {
            numClasses = root.TryGetProperty("id2label", out var labels) && labels.ValueKind == JsonValueKind.Object
                ? labels.EnumerateObject().Count()
                : IntOrNull(root, "num_labels") ?? throw new InvalidDataException($"'{configPath}': an image-classification config without id2label or num_labels");
        }
        var (path, naming) = weights is null ? (FindWeights(folder), CheckpointNaming.HuggingFace) : ResolveWeights(weights, CheckpointNaming.HuggingFace);
        return new ResolvedModel(folder, architectureConfig, preprocess, naming, path, numClasses) { Geometry = geometry };
    }

    /// <summary>
    /// A timm ViT refuses what timm's <c>PatchEmbed</c> refuses: a non-square <c>input_size</c> needs
    /// <c>dynamic_img_size</c> (else timm asserts the input equals <c>img_size</c>), and with <c>dynamic_img_size</c> but
    /// not <c>dynamic_img_pad</c> each side must be a multiple of the patch (timm asserts divisibility).
    /// </summary>
    private static void CheckTimmInputSize(string configPath, ArchitectureConfig architecture, PreprocessConfig preprocess)
    {
        if (architecture is not VisionTransformerConfig vit)
        {
            return;
        }
        int h = preprocess.CropHeight, w = preprocess.CropWidth;
        if (h != w && !vit.DynamicImgSize)
        {
            throw new NotSupportedException(
                $"'{configPath}': input_size {h}x{w} is not square and model_args has no dynamic_img_size: true; timm would refuse every image " +
                $"(its PatchEmbed expects {vit.ImgSize}x{vit.ImgSize}). Add \"dynamic_img_size\": true to model_args.");
        }
        if (vit.DynamicImgSize && !vit.DynamicImgPad && (h % vit.PatchSize != 0 || w % vit.PatchSize != 0))
        {
            throw new NotSupportedException(
                $"'{configPath}': input_size {h}x{w} is not a multiple of patch_size {vit.PatchSize}; with dynamic_img_size and without " +
                "dynamic_img_pad timm's PatchEmbed asserts divisibility. Use a multiple, or add \"dynamic_img_pad\": true (zero-pads bottom/right).");
        }
    }

    /// <summary>The folder's <c>model.safetensors</c> or sharded index; pickle files are refused by name.</summary>
    private static string FindWeights(string folder)
    {
        foreach (var name in Checkpoint.PreferredFileNames)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        var pickles = new[] { "pytorch_model.bin", "pytorch_model.bin.index.json", "model.pth", "model.pt" }
            .Where(n => File.Exists(Path.Combine(folder, n))).ToList();
        throw new FileNotFoundException(pickles.Count > 0
            ? $"Model folder '{folder}' has only pickle weights ({string.Join(", ", pickles)}); Pipeline loads safetensors only (model.safetensors)."
            : $"Model folder '{folder}' has no {string.Join(" or ", Checkpoint.PreferredFileNames)}; pass --weights <file.safetensors> or --weights {RandomWeights}.");
    }

    /// <summary>A <c>--weights</c> value: <c>random</c> (null path) or an existing safetensors file / index, with its naming.</summary>
    private static (string? Path, CheckpointNaming Naming) ResolveWeights(string weights, CheckpointNaming fallback)
    {
        if (string.Equals(weights, RandomWeights, StringComparison.OrdinalIgnoreCase))
        {
            return (null, fallback);
        }
        var path = Path.GetFullPath(weights);
        if (!(path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"--weights '{weights}': only .safetensors files (or a sharded .safetensors.index.json) are loaded; pickle checkpoints (.bin, .pth, .pt) never are.",
                nameof(weights));
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--weights '{weights}' does not exist", path);
        }
        using var checkpoint = Checkpoint.Open(path);
        return (path, CheckpointNamingDetector.Detect(checkpoint.Names, fallback));
    }

    private static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static int? IntOrNull(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
