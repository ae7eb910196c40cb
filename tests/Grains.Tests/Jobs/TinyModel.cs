using Pipeline.Models.Tests.Loading;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// A tiny ConvNeXt in a timm Hub folder (the model tests' fixture weights, 64 px input): a job of a handful of images
/// takes well under a second, so job tests can afford many tasks. Removed on dispose.
/// </summary>
public sealed class TinyModel : IDisposable
{
    private readonly ModelFolderBuilder folders = new();

    public TinyModel() => Folder = folders.TimmFolder("convnext_v1_tiny", ModelFolderBuilder.TimmPretrainedCfg(64, 1.0));

    /// <summary>The model folder, for <c>--model</c> (no <c>--weights</c>: the folder carries them).</summary>
    public string Folder { get; }

    public void Dispose() => folders.Dispose();
}
