using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>GEGLU</c>: <c>proj</c> to 2 * inner, split as <c>h, gate = chunk(2, -1)</c>, output
/// <c>h * gelu(gate)</c> with the exact (erf) GELU.
/// </summary>
public sealed class GEGLU : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear proj;

    /// <summary>Creates the gate from <paramref name="dimIn"/> to <paramref name="dimOut"/>.</summary>
    public GEGLU(int dimIn, int dimOut)
        : base(nameof(GEGLU))
    {
        proj = new TokenLinear(dimIn, dimOut * 2, hasBias: true);
        RegisterComponents();
    }

    /// <summary>[..., dimIn] -> [..., dimOut].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var parts = proj.forward(x).chunk(2, -1);
        return (parts[0] * nn.functional.gelu(parts[1])).MoveToOuterDisposeScope();
    }
}
