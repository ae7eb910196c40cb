using Pipeline.Models.Registry;

namespace Pipeline.Models.Vision;

/// <summary>
/// The published DINOv2 ViTs: timm pretrained tags (<c>vit_*_patch14[_reg4]_dinov2.lvd142m</c>: input 518, crop_pct 1.0,
/// bicubic, ImageNet mean/std, no head) and Hugging Face Hub ids (<c>facebook/dinov2-*</c>,
/// <c>facebook/dinov2-with-registers-*</c>: BitImageProcessor, shortest edge 256, centre crop 224 with floored
/// offsets, bicubic, ImageNet mean/std). Each name resamples positions as the library it comes from does.
/// </summary>
public static class VisionTransformerVariants
{
    /// <summary>Sizes in the order the tables list them.</summary>
    public static IReadOnlyList<string> Sizes { get; } = ["small", "base", "large", "giant"];

    /// <summary>Published parameter counts without a head (timm naming, no registers), in millions.</summary>
    public static IReadOnlyDictionary<string, double> PublishedParamsM { get; } = new Dictionary<string, double>
    {
        ["small"] = 22.06,
        ["base"] = 86.58,
        ["large"] = 304.37,
        ["giant"] = 1136.48,
    };

    /// <summary>timm's eval transform of the DINOv2 tags.</summary>
    public static PreprocessConfig TimmPreprocess { get; } =
        PreprocessConfig.Timm(518, 1.0, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd);

    /// <summary>The Hugging Face Hub image processor of <c>facebook/dinov2-*</c> and <c>facebook/dinov2-with-registers-*</c>.</summary>
    public static PreprocessConfig HubPreprocess { get; } =
        new(256, 224, 224, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd, CropRounding.Floor);

    /// <summary>Every DINOv2 variant: 8 timm tags and 8 Hub ids.</summary>
    public static IReadOnlyList<ModelVariant> All { get; } = Build();

    /// <summary>
    /// timm 1.0.28's default tag of each DINOv2 architecture (<c>timm/models/vision_transformer.py</c>,
    /// <c>default_cfgs</c>: each has the one tag <c>lvd142m</c>), what a bare <c>--model vit_small_patch14_dinov2</c>
    /// resolves to.
    /// </summary>
    public static IReadOnlyList<string> TimmDefaultTags { get; } =
        [.. ((bool[])[false, true]).SelectMany(registers => Sizes.Select(size => $"{VisionTransformerConfig.Dinov2(size, registers).Name}.lvd142m"))];

    private static ModelVariant[] Build()
    {
        var variants = new List<ModelVariant>();
        foreach (var registers in (bool[])[false, true])
        {
            foreach (var size in Sizes)
            {
                var timm = VisionTransformerConfig.Dinov2(size, registers);
                variants.Add(new ModelVariant($"{timm.Name}.lvd142m", timm, TimmPreprocess, CheckpointNaming.Timm, 0));
            }
        }
        foreach (var registers in (bool[])[false, true])
        {
            foreach (var size in Sizes)
            {
                var hub = VisionTransformerConfig.Dinov2(size, registers) with
                {
                    // transformers: Dinov2Model resizes without antialias, Dinov2WithRegistersModel with it (= timm's).
                    PosEmbedResampling = registers ? ViTPosEmbedResampling.Timm : ViTPosEmbedResampling.Transformers,
                };
                var name = registers ? $"facebook/dinov2-with-registers-{size}" : $"facebook/dinov2-{size}";
                variants.Add(new ModelVariant(name, hub, HubPreprocess, CheckpointNaming.HuggingFace, 0));
            }
        }
        return [.. variants];
    }
}
