namespace Pipeline.Models.Registry;

/// <summary>
/// A named, published model: a timm pretrained tag (<c>convnext_base.fb_in22k_ft_in1k</c>) or a Hugging Face Hub id
/// (<c>facebook/dinov2-base</c>), with its architecture and eval preprocessing.
/// </summary>
/// <param name="Name">Registry name users pass to <c>--model</c>.</param>
/// <param name="Architecture">The architecture (timm kwargs as data).</param>
/// <param name="Preprocess">The tag's eval preprocessing.</param>
/// <param name="Naming">The naming scheme of the checkpoints published under this name.</param>
/// <param name="NumClasses">Classifier width of the published checkpoint (0 when it ships without a head).</param>
public sealed record ModelVariant(
    string Name,
    ArchitectureConfig Architecture,
    PreprocessConfig Preprocess,
    CheckpointNaming Naming,
    int NumClasses);
