using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Loading;

/// <summary>Builds the backbone a <see cref="ResolvedModel"/> describes and loads its weights strictly.</summary>
public static class BackboneFactory
{
    /// <summary>
    /// Creates the module (CPU, float32), converts the checkpoint's names to timm's
    /// (<see cref="Registry.ArchitectureConfig.ToTimmNames"/>), loads it strictly with
    /// <see cref="MappedStateDictLoader.LoadStrict"/> (one layer at a time) and switches to eval mode. Without a weights
    /// path the module keeps its random initialisation.
    /// </summary>
    /// <param name="model">What to build and load.</param>
    /// <param name="headless">
    /// Build without the classifier (embedding only) and drop the checkpoint's classifier tensors: the keys the headless
    /// module lacks whose leading dimension is the class count. Everything else still loads strictly.
    /// </param>
    /// <exception cref="InvalidDataException">The checkpoint does not fit the architecture; the message names the keys.</exception>
    public static IVisionBackbone Load(ResolvedModel model, bool headless = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var backbone = model.Architecture.Create(headless ? 0 : model.NumClasses);
        var module = backbone.AsModule();
        try
        {
            if (model.WeightsPath is { } path)
            {
                using var checkpoint = Checkpoint.Open(path);
                // Streams the checkpoint into the module layer by layer (peak: the module plus one layer), rather
                // than reading it whole beside the module (2x).
                MappedStateDictLoader.LoadStrict(module, checkpoint, state => model.Architecture.ToTimmNames(state, model.Naming),
                    headless && model.NumClasses > 0 ? (_, shape) => IsClassifier(shape, model.NumClasses) : null);
            }
            module.eval();
            return backbone;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    // A key the headless module lacks whose leading dimension is the class count is the checkpoint's classifier.
    private static bool IsClassifier(long[] shape, int numClasses) => shape is [var rows, ..] && rows == numClasses;
}
