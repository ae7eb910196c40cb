using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Registry;

/// <summary>
/// One architecture, as data (timm's model kwargs). Each family defines a sealed record deriving from this; the
/// registry pairs it with a pretrained tag's preprocessing.
/// </summary>
public abstract record ArchitectureConfig
{
    /// <summary>Family name: "vit", "convnext", "efficientnetv2".</summary>
    public abstract string Family { get; }

    /// <summary>Builds the module with freshly initialised weights. <paramref name="numClasses"/> 0 = no classifier head.</summary>
    public abstract IVisionBackbone Create(int numClasses = 0);

    /// <summary>
    /// Renames (and where needed fuses or splits) a checkpoint's tensors into timm names for this architecture.
    /// Unknown keys are kept as they are so the strict loader can name them.
    /// </summary>
    public abstract Dictionary<string, torch.Tensor> ToTimmNames(IReadOnlyDictionary<string, torch.Tensor> state, CheckpointNaming naming);
}
