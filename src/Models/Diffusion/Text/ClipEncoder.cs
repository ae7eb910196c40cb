using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>transformers <c>CLIPEncoder</c>: the stack of <see cref="ClipEncoderLayer"/>s (<c>layers.{i}</c>).</summary>
public sealed class ClipEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    /// <summary>Creates <c>num_hidden_layers</c> layers.</summary>
    public ClipEncoder(ClipTextConfig config, Device? device = null)
        : base(nameof(ClipEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        layers = new ModuleList<ClipEncoderLayer>();
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            layers.Add(new ClipEncoderLayer(config, device));
        }
        RegisterComponents();
    }

    /// <summary>[B, L, D] -> [B, L, D] after every layer.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers)
        {
            x = layer.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The output of each layer in turn (the caller owns them); the last one is <see cref="forward"/>'s.</summary>
    public List<Tensor> ForwardAll(Tensor x)
    {
        var outputs = new List<Tensor>(layers.Count);
        foreach (var layer in layers)
        {
            x = layer.forward(x);
            outputs.Add(x);
        }
        return outputs;
    }
}
