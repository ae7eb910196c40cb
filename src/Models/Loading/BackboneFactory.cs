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
    /// <exception cref="InvalidDataException">The checkpoint does not fit the architecture; the message names the keys.</exception>
    public static IVisionBackbone Load(ResolvedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var backbone = model.Architecture.Create(model.NumClasses);
        var module = backbone.AsModule();
        try
        {
            if (model.WeightsPath is { } path)
            {
                // The scope frees the checkpoint's tensors and any fused copies once they are copied into the module.
                using var scope = torch.NewDisposeScope();
                using var checkpoint = Checkpoint.Open(path);
                var state = model.Architecture.ToTimmNames(checkpoint.ReadAll(), model.Naming);
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
}
