using Pipeline.Models.Registry;

namespace Pipeline.Models.Vision;

/// <summary>
/// Published ConvNeXt V1 / V2 checkpoints: timm pretrained tags (timm names, timm eval transform: 224 crop of a
/// 256 shorter side, bicubic, ImageNet mean/std, crop offsets rounded half-to-even) and Hugging Face Hub ids
/// (transformers names, <c>ConvNextImageProcessor</c>: shortest edge 224 / crop_pct 0.875 = 256, centre crop 224 with
/// floored offsets, bicubic; final LayerNorm eps 1e-12 as their configs say). The <c>_384</c> / <c>_512</c> tags use
/// timm's <c>crop_mode='squash'</c> at crop_pct 1.0 (both sides resized). The <c>in12k_ft_in1k</c> tags (timm's own
/// ImageNet-12k pretraining, the default tags of tiny and small) crop at crop_pct 0.95: a 235 shorter side. The
/// <c>fcmae</c> (self-supervised) tags ship without the head norm, so a strict load cannot accept them.
/// </summary>
public static class ConvNeXtVariants
{
    private static readonly PreprocessConfig TimmEval =
        PreprocessConfig.Timm(224, 0.875, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd);

    private static readonly PreprocessConfig HfEval = new(
        (int)(224 / 0.875), 224, 224, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd,
        CropRounding.Floor);

    /// <summary>Every ConvNeXt variant Pipeline knows.</summary>
    public static IReadOnlyList<ModelVariant> All { get; } = Build();

    /// <summary>
    /// timm 1.0.28's default tag of each architecture above (<c>timm/models/convnext.py</c>, <c>default_cfgs</c>: the
    /// first tag listed with weights), what a bare <c>--model convnext_tiny</c> resolves to.
    /// </summary>
    public static IReadOnlyList<string> TimmDefaultTags { get; } =
    [
        "convnext_tiny.in12k_ft_in1k",
        "convnext_small.in12k_ft_in1k",
        "convnext_base.fb_in22k_ft_in1k",
        "convnext_large.fb_in22k_ft_in1k",
        "convnext_xlarge.fb_in22k_ft_in1k",
        "convnextv2_atto.fcmae_ft_in1k",
        "convnextv2_femto.fcmae_ft_in1k",
        "convnextv2_pico.fcmae_ft_in1k",
        "convnextv2_nano.fcmae_ft_in22k_in1k",
        "convnextv2_tiny.fcmae_ft_in22k_in1k",
        "convnextv2_base.fcmae_ft_in22k_in1k",
        "convnextv2_large.fcmae_ft_in22k_in1k",
        "convnextv2_huge.fcmae_ft_in22k_in1k_384",
    ];

    private static ModelVariant[] Build()
    {
        var list = new List<ModelVariant>();
        void Timm(string tag, int numClasses = 1000) =>
            list.Add(new ModelVariant(tag, ConvNeXtConfig.FromTimm(tag, null), TimmEval, CheckpointNaming.Timm, numClasses));
        void TimmCrop(string tag, double cropPct) => list.Add(new ModelVariant(tag, ConvNeXtConfig.FromTimm(tag, null),
            PreprocessConfig.Timm(224, cropPct, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd),
            CheckpointNaming.Timm, 1000));
        void TimmSquash(string tag, int size) => list.Add(new ModelVariant(tag, ConvNeXtConfig.FromTimm(tag, null),
            PreprocessConfig.TimmSquash(size, 1.0, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd),
            CheckpointNaming.Timm, 1000));
        void Hf(string id, string timmArchitecture, int numClasses = 1000)
        {
            var timm = ConvNeXtConfig.FromTimm(timmArchitecture, null);
            // Hugging Face stores MLP weights as Linear and reads layer_norm_eps (1e-12 on the hub) for the final norm.
            var config = timm with { ConvMlp = false, HeadNormEps = ConvNeXtConfig.HuggingFaceDefaultLayerNormEps };
            list.Add(new ModelVariant(id, config, HfEval, CheckpointNaming.HuggingFace, numClasses));
        }

        foreach (var size in new[] { "tiny", "small" })
        {
            TimmCrop($"convnext_{size}.in12k_ft_in1k", 0.95);
        }
        foreach (var size in new[] { "tiny", "small", "base", "large", "xlarge" })
        {
            Timm($"convnext_{size}.fb_in22k_ft_in1k");
            Timm($"convnext_{size}.fb_in22k", 21841);
            TimmSquash($"convnext_{size}.fb_in22k_ft_in1k_384", 384);
        }
        foreach (var size in new[] { "tiny", "small", "base", "large" })
        {
            Timm($"convnext_{size}.fb_in1k");
        }
        foreach (var size in new[] { "atto", "femto", "pico", "nano", "tiny", "base", "large", "huge" })
        {
            Timm($"convnextv2_{size}.fcmae_ft_in1k");
        }
        foreach (var size in new[] { "nano", "tiny", "base", "large" })
        {
            Timm($"convnextv2_{size}.fcmae_ft_in22k_in1k");
            TimmSquash($"convnextv2_{size}.fcmae_ft_in22k_in1k_384", 384);
        }
        TimmSquash("convnextv2_huge.fcmae_ft_in22k_in1k_384", 384);
        TimmSquash("convnextv2_huge.fcmae_ft_in22k_in1k_512", 512);

        foreach (var size in new[] { "tiny", "small", "base", "large" })
        {
            Hf($"facebook/convnext-{size}-224", $"convnext_{size}");
        }
        foreach (var size in new[] { "base", "large", "xlarge" })
        {
            Hf($"facebook/convnext-{size}-224-22k-1k", $"convnext_{size}");
            Hf($"facebook/convnext-{size}-224-22k", $"convnext_{size}", 21841);
        }
        foreach (var size in new[] { "atto", "femto", "pico", "nano", "tiny", "base", "large", "huge" })
        {
            Hf($"facebook/convnextv2-{size}-1k-224", $"convnextv2_{size}");
        }
        foreach (var size in new[] { "nano", "tiny", "base", "large" })
        {
            Hf($"facebook/convnextv2-{size}-22k-224", $"convnextv2_{size}");
        }
        return [.. list];
    }
}
