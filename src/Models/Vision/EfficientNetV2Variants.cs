using Pipeline.Models.Registry;

namespace Pipeline.Models.Vision;

/// <summary>
/// Published EfficientNetV2 checkpoints (timm pretrained tags, timm names) with the eval transform of timm's
/// <c>pretrained_cfg</c>: resize the shorter side to <c>floor(input_size / crop_pct)</c> (bicubic), centre-crop
/// <c>input_size</c>, normalise. The TensorFlow ports of V2-M / V2-L (and <c>tf_efficientnetv2_b3.in21k_ft_in1k</c>)
/// use timm's <c>crop_mode='squash'</c> (both sides resized, aspect ratio not kept).
/// </summary>
public static class EfficientNetV2Variants
{
    /// <summary>Every EfficientNetV2 variant Pipeline knows.</summary>
    public static IReadOnlyList<ModelVariant> All { get; } =
    [
        Tag("tf_efficientnetv2_s.in21k_ft_in1k", 300, 1.0, inception: true),
        Tag("tf_efficientnetv2_s.in1k", 300, 1.0, inception: true),
        Tag("tf_efficientnetv2_s.in21k", 300, 1.0, inception: true, numClasses: 21843),
        Tag("tf_efficientnetv2_m.in21k_ft_in1k", 384, 1.0, inception: true, squash: true),
        Tag("tf_efficientnetv2_m.in1k", 384, 1.0, inception: true, squash: true),
        Tag("tf_efficientnetv2_m.in21k", 384, 1.0, inception: true, numClasses: 21843, squash: true),
        Tag("tf_efficientnetv2_l.in21k_ft_in1k", 384, 1.0, inception: true, squash: true),
        Tag("tf_efficientnetv2_l.in1k", 384, 1.0, inception: true, squash: true),
        Tag("tf_efficientnetv2_l.in21k", 384, 1.0, inception: true, numClasses: 21843, squash: true),
        Tag("tf_efficientnetv2_b0.in1k", 192, 0.875, inception: false),
        Tag("tf_efficientnetv2_b1.in1k", 192, 0.882, inception: false),
        Tag("tf_efficientnetv2_b2.in1k", 208, 0.890, inception: false),
        Tag("tf_efficientnetv2_b3.in1k", 240, 0.904, inception: false),
        Tag("tf_efficientnetv2_b3.in21k_ft_in1k", 240, 0.9, inception: true, squash: true),
        Tag("tf_efficientnetv2_b3.in21k", 240, 0.904, inception: true, numClasses: 21843),
        Tag("efficientnetv2_rw_t.ra2_in1k", 224, 1.0, inception: false),
        Tag("efficientnetv2_rw_s.ra2_in1k", 288, 1.0, inception: false),
        Tag("efficientnetv2_rw_m.agc_in1k", 320, 1.0, inception: false),
    ];

    /// <summary>
    /// timm 1.0.28's default tag of each architecture above (<c>timm/models/efficientnet.py</c>, <c>default_cfgs</c>:
    /// the first tag listed with weights), what a bare <c>--model tf_efficientnetv2_s</c> resolves to.
    /// </summary>
    public static IReadOnlyList<string> TimmDefaultTags { get; } =
    [
        "tf_efficientnetv2_s.in21k_ft_in1k",
        "tf_efficientnetv2_m.in21k_ft_in1k",
        "tf_efficientnetv2_l.in21k_ft_in1k",
        "tf_efficientnetv2_b0.in1k",
        "tf_efficientnetv2_b1.in1k",
        "tf_efficientnetv2_b2.in1k",
        "tf_efficientnetv2_b3.in21k_ft_in1k",
        "efficientnetv2_rw_t.ra2_in1k",
        "efficientnetv2_rw_s.ra2_in1k",
        "efficientnetv2_rw_m.agc_in1k",
    ];

    private static ModelVariant Tag(string tag, int inputSize, double cropPct, bool inception, int numClasses = 1000, bool squash = false) =>
        new(tag,
            EfficientNetV2Config.FromTimm(tag, null),
            PreprocessConfig.Timm(inputSize, cropPct, Interpolation.Bicubic,
                inception ? PreprocessConfig.InceptionMean : PreprocessConfig.ImageNetMean,
                inception ? PreprocessConfig.InceptionStd : PreprocessConfig.ImageNetStd) with { Squash = squash },
            CheckpointNaming.Timm,
            numClasses);
}
