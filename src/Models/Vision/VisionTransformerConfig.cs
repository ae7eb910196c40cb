using Pipeline.Models.Registry;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// A Vision Transformer as DINOv2 uses it, as data (timm's <c>VisionTransformer</c> kwargs). Presets for the
/// published sizes come from <see cref="Dinov2"/>; model folders are parsed by <see cref="FromTimm"/> and
/// <see cref="FromHuggingFace"/>.
/// </summary>
public sealed partial record VisionTransformerConfig : ArchitectureConfig
{
    /// <summary>timm's layer-scale init for DINOv2 (the real values come with the weights).</summary>
    public const double Dinov2LayerScaleInit = 1e-5;

    /// <inheritdoc />
    public override string Family => "vit";

    /// <summary>Architecture name (timm's model name where there is one).</summary>
    public required string Name { get; init; }

    /// <summary>Image side the position table was trained for (its grid is <see cref="ImgSize"/> / <see cref="PatchSize"/>).</summary>
    public int ImgSize { get; init; } = 518;

    /// <summary>Patch side in pixels.</summary>
    public int PatchSize { get; init; } = 14;

    /// <summary>Input channels.</summary>
    public int InChans { get; init; } = 3;

    /// <summary>Token width D.</summary>
    public required int EmbedDim { get; init; }

    /// <summary>Number of blocks.</summary>
    public required int Depth { get; init; }

    /// <summary>Attention heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>Width of <c>mlp.fc1</c>'s output: the GELU MLP's hidden width, or both packed SwiGLU halves.</summary>
    public required int MlpHidden { get; init; }

    /// <summary>Packed SwiGLU FFN (timm <c>SwiGLUPacked</c>) instead of the GELU MLP.</summary>
    public bool SwiGlu { get; init; }

    /// <summary>LayerScale init value; null = no LayerScale (no <c>ls1</c>/<c>ls2</c> keys).</summary>
    public double? LayerScaleInit { get; init; } = Dinov2LayerScaleInit;

    /// <summary>LayerNorm epsilon (1e-6 for DINOv2).</summary>
    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary>Bias on the fused qkv projection.</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>A learned class token leads the sequence.</summary>
    public bool ClassToken { get; init; } = true;

    /// <summary>Register tokens after the class token (0 or 4 for DINOv2).</summary>
    public int RegTokens { get; init; }

    /// <summary>
    /// timm <c>no_embed_class</c>: the position table covers patches only (the class position is folded into
    /// <c>cls_token</c>). timm's DINOv2 register models use it; the Hugging Face and original files keep the class
    /// position in the table, and the key maps fold it.
    /// </summary>
    public bool NoEmbedClass { get; init; }

    /// <summary>Pooling of <c>forward_head</c>.</summary>
    public ViTPooling Pooling { get; init; } = ViTPooling.Cls;

    /// <summary>Position-table resampling for inputs whose grid differs from the table's.</summary>
    public ViTPosEmbedResampling PosEmbedResampling { get; init; } = ViTPosEmbedResampling.Timm;

    /// <summary>
    /// timm <c>dynamic_img_size</c>: the checkpoint's folder declares inputs of other sizes than <see cref="ImgSize"/>
    /// (the table is resampled per input grid at forward time). The module resamples either way; loading uses this
    /// flag to accept a non-square timm <c>input_size</c>, which timm itself refuses without it.
    /// </summary>
    public bool DynamicImgSize { get; init; }

    /// <summary>
    /// timm <c>dynamic_img_pad</c>: an input side that is not a multiple of <see cref="PatchSize"/> is zero-padded at
    /// the bottom / right (after normalisation) to the next multiple, so the grid is <c>ceil(side / patch)</c>. Without
    /// it the trailing pixels are dropped (the convolution's behaviour, as in Hugging Face's DINOv2).
    /// </summary>
    public bool DynamicImgPad { get; init; }

    /// <summary>Class + register tokens in front of the patch tokens.</summary>
    public int NumPrefixTokens => (ClassToken ? 1 : 0) + RegTokens;

    /// <summary>Side of the position table's patch grid.</summary>
    public int GridSize => ImgSize / PatchSize;

    /// <summary>Rows of <c>pos_embed</c>: the patch grid, plus the prefix tokens unless <see cref="NoEmbedClass"/>.</summary>
    public int PosEmbedLength => GridSize * GridSize + (NoEmbedClass ? 0 : NumPrefixTokens);

    /// <summary>Width of the pooled output (2D for <see cref="ViTPooling.ClsMean"/>).</summary>
    public int NumFeatures => Pooling == ViTPooling.ClsMean ? 2 * EmbedDim : EmbedDim;

    /// <summary>timm's hidden width for a ratio: <c>int(dim * mlp_ratio)</c>.</summary>
    public static int TimmMlpHidden(int dim, double mlpRatio) => (int)(dim * mlpRatio);

    /// <summary>
    /// A published DINOv2 size: <c>"small"</c> (ViT-S/14), <c>"base"</c>, <c>"large"</c> or <c>"giant"</c> (ViT-g/14,
    /// packed SwiGLU), with or without 4 register tokens, as timm defines them (<c>img_size</c> 518).
    /// </summary>
    public static VisionTransformerConfig Dinov2(string size, bool registers)
    {
        var (dim, depth, heads) = size switch
        {
            "small" => (384, 12, 6),
            "base" => (768, 12, 12),
            "large" => (1024, 24, 16),
            "giant" => (1536, 40, 24),
            _ => throw new ArgumentException($"unknown DINOv2 size '{size}' (small, base, large, giant)", nameof(size)),
        };
        var giant = size == "giant";
        return new VisionTransformerConfig
        {
            Name = $"vit_{size}_patch14_{(registers ? "reg4_" : "")}dinov2",
            EmbedDim = dim,
            Depth = depth,
            NumHeads = heads,
            // timm: mlp_ratio 2.66667 * 2 with SwiGLUPacked for g/14 (8192 packed = 2 x 4096), else 4.
            MlpHidden = TimmMlpHidden(dim, giant ? 2.66667 * 2 : 4.0),
            SwiGlu = giant,
            RegTokens = registers ? 4 : 0,
            NoEmbedClass = registers,
        };
    }

    /// <inheritdoc />
    public override IVisionBackbone Create(int numClasses = 0) => new VisionTransformer(this, numClasses);

    /// <summary>Builds the module on <paramref name="device"/> (<c>meta</c> allocates nothing: for counting parameters).</summary>
    public VisionTransformer Create(int numClasses, Device? device) => new(this, numClasses, device);

    /// <inheritdoc />
    public override Dictionary<string, Tensor> ToTimmNames(IReadOnlyDictionary<string, Tensor> state, CheckpointNaming naming) =>
        naming switch
        {
            CheckpointNaming.Timm => new Dictionary<string, Tensor>(state, StringComparer.Ordinal),
            CheckpointNaming.HuggingFace => VisionTransformerKeyMap.FromHuggingFace(state, this),
            CheckpointNaming.Original => VisionTransformerKeyMap.FromOriginal(state, this),
            _ => throw new ArgumentOutOfRangeException(nameof(naming), naming, "unknown checkpoint naming"),
        };
}
