using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>get_timestep_embedding</c> (the UNet's parameter-free <c>time_proj</c>):
/// <c>f_i = exp(-ln(max_period) * i / (half - shift))</c>, <c>a = t.float()[:, None] * f</c>,
/// <c>emb = cat(sin a, cos a)</c>, swapped to <c>cat(cos a, sin a)</c> when flip_sin_to_cos; an odd width gets one
/// zero column. Computed in the same order as diffusers so float32 results agree to the last bits.
/// </summary>
public static class TimestepProjection
{
    /// <summary>[B] timesteps (any numeric dtype) -> [B, dim] float32.</summary>
    public static Tensor Project(Tensor timesteps, int dim, bool flipSinToCos, double freqShift, double maxPeriod = 10000.0)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        if (timesteps.dim() != 1)
        {
            throw new ArgumentException($"timesteps must be 1-D [B], seen [{string.Join(", ", timesteps.shape)}]", nameof(timesteps));
        }
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var exponent = arange(0, half, dtype: ScalarType.Float32, device: timesteps.device) * (-Math.Log(maxPeriod));
        exponent = exponent / (half - freqShift);
        var freqs = exponent.exp();
        var args = timesteps.unsqueeze(1).to(ScalarType.Float32) * freqs.unsqueeze(0);
        var emb = flipSinToCos ? cat([args.cos(), args.sin()], 1) : cat([args.sin(), args.cos()], 1);
        if (dim % 2 == 1)
        {
            emb = nn.functional.pad(emb, [0, 1, 0, 0]);
        }
        return emb.MoveToOuterDisposeScope();
    }
}
