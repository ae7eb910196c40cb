using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>timm <c>LayerScale</c>: a per-channel multiply by <c>gamma</c> (HF <c>layer_scale1.lambda1</c>).</summary>
public sealed class ViTLayerScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    /// <summary>Creates gamma = <paramref name="initValue"/> for every channel.</summary>
    public ViTLayerScale(int dim, double initValue, Device? device = null)
        : base(nameof(ViTLayerScale))
    {
        gamma = new Parameter(torch.full(dim, initValue, dtype: ScalarType.Float32, device: device));
        RegisterComponents();
    }

    /// <summary>x * gamma.</summary>
    public override Tensor forward(Tensor x) => x * gamma;

    /// <summary>residual + x * gamma in one fused op (<c>addcmul</c>): the block's residual update.</summary>
    public Tensor AddScaled(Tensor residual, Tensor x) => residual.addcmul(x, gamma, 1);
}
