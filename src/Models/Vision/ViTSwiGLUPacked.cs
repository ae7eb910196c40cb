using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>SwiGLUPacked</c> (= <c>GluMlp(gate_last=False)</c>), the ViT-g/14 FFN: <c>fc1</c> D -> 2h packs two halves
/// [x1; x2] along the output rows, hidden = SiLU(x1) * x2 (the FIRST half goes through the activation, as in the
/// original <c>SwiGLUFFN</c> (<c>w12</c>/<c>w3</c>) and Hugging Face <c>Dinov2SwiGLUFFN</c>
/// (<c>weights_in</c>/<c>weights_out</c>)), then <c>fc2</c> h -> D.
/// </summary>
public sealed class ViTSwiGLUPacked : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear fc1;
    private readonly TokenLinear fc2;

    /// <summary>Creates the FFN; <paramref name="packedHidden"/> is the width of <c>fc1</c>'s output (2h, even).</summary>
    public ViTSwiGLUPacked(int dim, int packedHidden, Device? device = null)
        : base(nameof(ViTSwiGLUPacked))
    {
        if (packedHidden % 2 != 0)
        {
            throw new ArgumentException($"packed SwiGLU width must be even, got {packedHidden}", nameof(packedHidden));
        }
        fc1 = new TokenLinear(dim, packedHidden, hasBias: true, device: device);
        fc2 = new TokenLinear(packedHidden / 2, dim, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[..., D] -> [..., D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var halves = fc1.forward(x).chunk(2, -1);
        var hidden = nn.functional.silu(halves[0]);
        hidden = is_grad_enabled() ? hidden * halves[1] : hidden.mul_(halves[1]);
        return fc2.forward(hidden).MoveToOuterDisposeScope();
    }
}
