using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>timm <c>Mlp</c>: <c>fc1</c> D -> hidden, exact (erf) GELU, <c>fc2</c> hidden -> D.</summary>
public sealed class ViTMlp : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear fc1;
    private readonly TokenLinear fc2;

    /// <summary>Creates the MLP with <paramref name="hidden"/> hidden features.</summary>
    public ViTMlp(int dim, int hidden, Device? device = null)
        : base(nameof(ViTMlp))
    {
        fc1 = new TokenLinear(dim, hidden, hasBias: true, device: device);
        fc2 = new TokenLinear(hidden, dim, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[..., D] -> [..., D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = fc1.forward(x);
        // In place when no autograd graph is recorded (inference): saves one [B, N, hidden] allocation.
        hidden = is_grad_enabled() ? nn.functional.gelu(hidden) : nn.functional.gelu(hidden, inplace: true);
        return fc2.forward(hidden).MoveToOuterDisposeScope();
    }
}
