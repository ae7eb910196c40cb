using System.Buffers;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Embedding;

/// <summary>
/// The facade the workers use: a loaded backbone in eval mode that turns a batch of preprocessed pixels into embedding
/// rows (DESIGN.md's definition: pooled pre-logits; for ViTs the chosen pooling) and, for ViTs on request, patch
/// tokens. Tensors stay inside; arrays go in and out. With a variable-size <see cref="Geometry"/> (images at their own
/// size) <see cref="InputSize"/> and <see cref="PreprocessImage"/> give each image's model input,
/// and <see cref="Embed(float[], int, int, int)"/> runs a batch of one size.
/// </summary>
public sealed class ImageEmbedder : IDisposable
{
    private readonly IVisionBackbone backbone;
    private readonly bool patchTokens;
    private readonly torch.Device device;
    private readonly torch.ScalarType computeType;

    /// <summary>Wraps a loaded backbone; <paramref name="geometry"/> null = the config's fixed-size transform.</summary>
    public ImageEmbedder(IVisionBackbone backbone, PreprocessConfig preprocess, string modelId, bool patchTokens = false,
        string device = "cpu", string computeDType = "float32", InputGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(preprocess);
        if (patchTokens && backbone is not VisionTransformer)
            throw new ArgumentException($"{modelId} has no patch tokens: only ViT models do.", nameof(patchTokens));
        this.backbone = backbone;
        this.patchTokens = patchTokens;
        this.device = ParseDevice(device);
        computeType = ParseComputeDType(computeDType);
        if (this.device.type != DeviceType.CPU || computeType != torch.ScalarType.Float32)
            backbone.AsModule().to(this.device).to(computeType);
        Preprocess = preprocess;
        Geometry = geometry ?? InputGeometry.Default;
        ModelId = modelId;
        backbone.AsModule().eval();
        EmbeddingDim = backbone.num_features;
        if (backbone is VisionTransformer vit)
        {
            var (gridH, gridW) = PatchGrid(preprocess.CropHeight, preprocess.CropWidth);
            PatchTokenCount = Geometry.FixedSize ? gridH * gridW : 0;
            PatchTokenDim = vit.Config.EmbedDim;
        }
    }

    /// <summary>
    /// How images are sized for the model; <see cref="InputGeometry.FixedSize"/> false = each image at its own size
    /// (batches must hold one size: see <see cref="InputSize"/>).
    /// </summary>
    public InputGeometry Geometry { get; }

    /// <summary>True when every image has the same model input (<see cref="PixelsPerImage"/> floats).</summary>
    public bool FixedSize => Geometry.FixedSize;

    public string ModelId { get; }

    public PreprocessConfig Preprocess { get; }

    /// <summary>Width of one embedding row.</summary>
    public int EmbeddingDim { get; }

    /// <summary>True when <see cref="Embed"/> also returns patch tokens.</summary>
    public bool WritesPatchTokens => patchTokens;

    /// <summary>Patch tokens per image (ViTs at a fixed size), 0 otherwise (variable sizes: <see cref="PatchGrid"/>).</summary>
    public int PatchTokenCount { get; }

    /// <summary>Width of a patch token (ViTs), 0 otherwise.</summary>
    public int PatchTokenDim { get; }

    /// <summary>Floats in one preprocessed image (3 x crop height x crop width).</summary>
    public int PixelsPerImage => 3 * Preprocess.CropHeight * Preprocess.CropWidth;

    /// <summary>
    /// Loads a resolved model with a ViT pooling (<c>cls</c>, <c>mean</c>, <c>cls+mean</c>; null = the model's default).
    /// Random weights (no weights path) are drawn from <paramref name="randomSeed"/> so every worker builds the same model.
    /// </summary>
    public static ImageEmbedder Load(ResolvedModel model, long randomSeed, string? pooling = null, bool patchTokens = false,
        string device = "cpu", string computeDType = "float32", string? posEmbedResampling = null)
    {
        if (patchTokens && model.Architecture is not VisionTransformerConfig)
            throw new ArgumentException($"{model.ModelId} has no patch tokens: only ViT models do.", nameof(patchTokens));
        if (pooling is not null || posEmbedResampling is not null)
        {
            if (model.Architecture is not VisionTransformerConfig vit)
                throw new ArgumentException($"--pooling and --pos-resample apply to ViT models only; {model.ModelId} is a ConvNet.", nameof(pooling));
            if (pooling is not null) vit = vit with { Pooling = ParsePooling(pooling) };
            if (posEmbedResampling is not null) vit = vit with { PosEmbedResampling = ParsePosEmbedResampling(posEmbedResampling) };
            model = model with { Architecture = vit };
        }
        if (model.WeightsPath is null) torch.manual_seed(randomSeed);
        return new ImageEmbedder(BackboneFactory.Load(model, headless: true), model.Preprocess, model.ModelId, patchTokens, device, computeDType, model.Geometry);
    }

    public static ViTPosEmbedResampling ParsePosEmbedResampling(string mode) => mode switch
    {
        "timm" => ViTPosEmbedResampling.Timm,
        "transformers" => ViTPosEmbedResampling.Transformers,
        "original" => ViTPosEmbedResampling.Original,
        _ => throw new ArgumentException($"--pos-resample '{mode}' is not known: use timm, transformers or original.", nameof(mode)),
    };

    /// <summary><c>cpu</c> or <c>cuda</c>; CUDA is refused with a clear message where this build or machine has none.</summary>
    public static torch.Device ParseDevice(string device) => device switch
    {
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        // A GPU worker slot runs on its own device index.
        _ when device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int index)
               && torch.cuda.is_available() && index < torch.cuda.device_count() => torch.device(DeviceType.CUDA, index),
        _ when device == "cuda" || device.StartsWith("cuda:", StringComparison.Ordinal) => throw new NotSupportedException(
            $"--device {device}: no such CUDA device is available to this worker (a CPU build, or no GPU); build with -p:TorchBackend=cuda on a GPU machine."),
        _ => throw new ArgumentException($"--device '{device}' is not known: use cpu or cuda.", nameof(device)),
    };

    public static torch.ScalarType ParseComputeDType(string dtype) => dtype switch
    {
        "float32" => torch.ScalarType.Float32,
        "bfloat16" => torch.ScalarType.BFloat16,
        "float16" => torch.ScalarType.Float16,
        _ => throw new ArgumentException($"--dtype '{dtype}' is not known: use float32, bfloat16 or float16.", nameof(dtype)),
    };

    public static ViTPooling ParsePooling(string pooling) => pooling switch
    {
        "cls" => ViTPooling.Cls,
        "mean" => ViTPooling.Mean,
        "cls+mean" => ViTPooling.ClsMean,
        _ => throw new ArgumentException($"--pooling '{pooling}' is not known: use cls, mean or cls+mean.", nameof(pooling)),
    };

    /// <summary>Embeds <paramref name="count"/> images laid out NCHW at the start of <paramref name="pixels"/>.</summary>
    public EmbeddingBatch Embed(float[] pixels, int count) => Run(pixels, count, Preprocess.CropHeight, Preprocess.CropWidth);

    private EmbeddingBatch Run(float[] pixels, int count, int height, int width)
    {
        int length = count * 3 * height * width;
        if (pixels.Length < length)
            throw new ArgumentException($"expected {length} pixels for {count} images, got {pixels.Length}", nameof(pixels));
        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(pixels.Length == length ? pixels : pixels[..length], [count, 3, height, width]);
        if (device.type != DeviceType.CPU || computeType != torch.ScalarType.Float32) input = input.to(device).to(computeType);
        var features = backbone.forward_features(input);
        var pooled = backbone.forward_head(features, pre_logits: true).to(torch.float32).cpu().contiguous();
        float[]? patches = patchTokens && backbone is VisionTransformer vit
            ? vit.patch_tokens(features).to(torch.float32).cpu().contiguous().data<float>().ToArray()
            : null;
        return new EmbeddingBatch(pooled.data<float>().ToArray(), patches);
    }

    /// <summary>
    /// The patch grid (rows, columns) of an input of <paramref name="height"/> x <paramref name="width"/> pixels: the
    /// remainder is dropped, or padded to a whole patch with <c>dynamic_img_pad</c>; (0, 0) for ConvNets.
    /// </summary>
    public (int Height, int Width) PatchGrid(int height, int width)
    {
        if (backbone is not VisionTransformer vit)
        {
            return (0, 0);
        }
        int p = vit.Config.PatchSize;
        return vit.Config.DynamicImgPad ? ((height + p - 1) / p, (width + p - 1) / p) : (height / p, width / p);
    }

    /// <summary>
    /// The model input (height, width) of <paramref name="image"/>: the preprocessed size, and at variable sizes for a
    /// ViT that drops the remainder, cut at the bottom / right to whole patches. The cut pixels are exactly those the patch convolution
    /// drops, so the output is unchanged and images whose sizes differ only in the remainder share one batch. (Not with
    /// the original repository's resampling, whose <c>w == h</c> test looks at the full pixel size.)
    /// </summary>
    /// <exception cref="ArgumentException">The image is smaller than one patch.</exception>
    public (int Height, int Width) InputSize(DecodedImage image)
    {
        var (height, width) = ImagePreprocessor.OutputSize(image, Preprocess, Geometry);
        if (Geometry.FixedSize || backbone is not VisionTransformer vit)
        {
            // One size for all: the fixed path hands the model the crop as it is.
            return (height, width);
        }
        int p = vit.Config.PatchSize;
        if (height < p || width < p)
        {
            throw new ArgumentException($"the model input of {image.Width}x{image.Height} is {width}x{height} pixels, smaller than one {p}x{p} patch", nameof(image));
        }
        return vit.Config.DynamicImgPad || vit.Config.PosEmbedResampling == ViTPosEmbedResampling.Original
            ? (height, width)
            : (height / p * p, width / p * p);
    }

    /// <summary>Writes <paramref name="image"/>'s model input (CHW float32 of <see cref="InputSize"/>) into <paramref name="destination"/>.</summary>
    public void PreprocessImage(DecodedImage image, Span<float> destination)
    {
        var (height, width) = InputSize(image);
        var (fullHeight, fullWidth) = ImagePreprocessor.OutputSize(image, Preprocess, Geometry);
        if (destination.Length != 3 * height * width)
        {
            throw new ArgumentException($"Destination must hold 3 x {height} x {width} = {3 * height * width} floats, it holds {destination.Length}.", nameof(destination));
        }
        if (fullHeight == height && fullWidth == width)
        {
            ImagePreprocessor.Preprocess(image, Preprocess, Geometry, destination);
            return;
        }
        var full = ArrayPool<float>.Shared.Rent(3 * fullHeight * fullWidth);
        try
        {
            ImagePreprocessor.Preprocess(image, Preprocess, Geometry, full.AsSpan(0, 3 * fullHeight * fullWidth));
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    full.AsSpan(((c * fullHeight) + y) * fullWidth, width).CopyTo(destination.Slice(((c * height) + y) * width, width));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(full);
        }
    }

    /// <summary>
    /// Embeds <paramref name="count"/> images of <paramref name="height"/> x <paramref name="width"/> laid out NCHW at
    /// the start of <paramref name="pixels"/>; patch tokens (when asked for) are [count x grid tokens x dim].
    /// </summary>
    public EmbeddingBatch Embed(float[] pixels, int count, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Run(pixels, count, height, width);
    }

    public void Dispose() => backbone.AsModule().Dispose();
}
