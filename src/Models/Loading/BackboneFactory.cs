using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision;
using TorchSharp;

namespace Pipeline.Models.Loading;

/// <summary>Builds the backbone a <see cref="ResolvedModel"/> describes and loads its weights strictly.</summary>
public static class BackboneFactory
{
    /// <summary>
    /// Creates the module (CPU, float32), reads the checkpoint, converts its names to timm's
    /// (<see cref="Registry.ArchitectureConfig.ToTimmNames"/>), loads it with <see cref="StateDictLoader.LoadStrict(torch.nn.Module, IReadOnlyDictionary{string, torch.Tensor})"/>
    /// and switches to eval mode. Without a weights path the module keeps its random initialisation.
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
                // The scope frees the checkpoint's tensors and any fused copies once they are copied into the module.
                using var scope = torch.NewDisposeScope();
                using var checkpoint = Checkpoint.Open(path);
                var state = model.Architecture.ToTimmNames(checkpoint.ReadAll(), model.Naming);
                if (headless && model.NumClasses > 0) DropClassifier(state, module, model.NumClasses);
                StateDictLoader.LoadStrict(module, state);
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

    private static void DropClassifier(Dictionary<string, torch.Tensor> state, torch.nn.Module module, int numClasses)
    {
        var expected = module.state_dict().Keys.ToHashSet();
        foreach (var key in state.Keys.Where(k => !expected.Contains(k)).ToList())
            if (state[key].shape is [var rows, ..] && rows == numClasses) state.Remove(key);
    }
}
