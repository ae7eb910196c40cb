using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// Norm layers with PyTorch's initial values (weight 1, bias 0) set explicitly. TorchSharp 0.107's
/// <c>nn.GroupNorm</c> was seen to start with uninitialised (even NaN) affine parameters; loaded checkpoints
/// overwrite them anyway, but a freshly built model (tests, LoRA tooling) must be well-defined.
/// </summary>
internal static class Norms
{
    /// <summary><c>nn.GroupNorm(groups, channels, eps, affine=True)</c> with weight 1 and bias 0.</summary>
    public static GroupNorm GroupNorm(int groups, int channels, double eps)
    {
        var norm = torch.nn.GroupNorm(groups, channels, eps, affine: true);
        Reset(norm.weight, norm.bias);
        return norm;
    }

    /// <summary><c>nn.LayerNorm(dim, eps)</c> with weight 1 and bias 0.</summary>
    public static LayerNorm LayerNorm(int dim, double eps)
    {
        var norm = torch.nn.LayerNorm(dim, eps);
        Reset(norm.weight, norm.bias);
        return norm;
    }

    private static void Reset(torch.Tensor? weight, torch.Tensor? bias)
    {
        using (torch.no_grad())
        {
            // In-place ops return the same Tensor object in TorchSharp 0.107: nothing to dispose.
            weight?.fill_(1.0);
            bias?.zero_();
        }
    }
}
