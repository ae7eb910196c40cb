using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Loading;

/// <summary>
/// What a user's <c>--model</c> (and <c>--weights</c>) resolved to: the architecture, its eval preprocessing, the
/// naming scheme of the weights, and where they are.
/// </summary>
/// <param name="ModelId">Registry name, or the full path of the model folder.</param>
/// <param name="Architecture">The architecture (timm kwargs as data).</param>
/// <param name="Preprocess">Eval preprocessing from the registry tag or the folder's processor / pretrained config.</param>
/// <param name="Naming">Naming scheme of the tensors in <paramref name="WeightsPath"/>.</param>
/// <param name="WeightsPath">A <c>.safetensors</c> file or a sharded <c>.safetensors.index.json</c>; null = random init.</param>
/// <param name="NumClasses">Classifier width (0 = headless backbone).</param>
public sealed record ResolvedModel(
    string ModelId,
    ArchitectureConfig Architecture,
    PreprocessConfig Preprocess,
    CheckpointNaming Naming,
    string? WeightsPath,
    int NumClasses)
{
    /// <summary>
    /// What <see cref="Preprocess"/> cannot state: a non-square timm <c>input_size</c> resize, or Hugging Face's
    /// <c>do_resize</c> / <c>do_center_crop</c> switched off (images at their own size). Default = the fixed-size path.
    /// </summary>
    public InputGeometry Geometry { get; init; } = InputGeometry.Default;
}
