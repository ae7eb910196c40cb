using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>PyTorch's default initialisation of <c>nn.Linear</c> (and of a 1x1 <c>nn.Conv2d</c>): weight and bias uniform in +-1/sqrt(in).</summary>
internal static class LinearInit
{
    /// <summary>A weight of <paramref name="weightShape"/> and, when <paramref name="hasBias"/>, a bias of [out].</summary>
    public static (Parameter Weight, Parameter? Bias) Create(long[] weightShape, long inFeatures, long outFeatures, bool hasBias, Device? device)
    {
        var bound = 1.0 / Math.Sqrt(inFeatures);
        var weight = new Parameter(empty(weightShape, device: device));
        var bias = hasBias ? new Parameter(empty(outFeatures, device: device)) : null;
        using (no_grad())
        {
            nn.init.uniform_(weight, -bound, bound);
            if (bias is not null)
            {
                nn.init.uniform_(bias, -bound, bound);
            }
        }
        return (weight, bias);
    }
}
