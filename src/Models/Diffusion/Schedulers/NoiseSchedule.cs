namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// The training noise schedule shared by LCM and DDIM: <c>betas</c> (float32) and <c>alphas_cumprod = cumprod(1 - betas)</c>,
/// bit-identical to what diffusers' constructors compute with PyTorch on an AVX2 CPU. <c>linear</c> is
/// <c>torch.linspace(start, end, T, float32)</c>; <c>scaled_linear</c> is <c>torch.linspace(√start, √end, T, float32)²</c>.
/// </summary>
/// <remarks>
/// PyTorch's CPU <c>linspace</c> is not the same on every CPU: its vectorised kernel fills blocks of one SIMD width from
/// a base <c>start + step·i</c> (or <c>end − step·(T−1−i)</c> past the middle, FMA-contracted) as <c>base + k·step</c>, so
/// the AVX2 (8-lane) and AVX-512 (16-lane) kernels differ by one ulp in about a tenth of the betas. The diffusers goldens
/// match the 8-lane kernel exactly, so that kernel is reproduced here in plain arithmetic rather than calling libtorch
/// (whose result would depend on the machine). <c>cumprod</c> accumulates in double, as PyTorch's CPU kernel does.
/// </remarks>
internal sealed class NoiseSchedule
{
    private const int Lanes = 8;

    private NoiseSchedule(float[] betas, float[] alphasCumprod)
    {
        Betas = betas;
        AlphasCumprod = alphasCumprod;
    }

    public float[] Betas { get; }

    public float[] AlphasCumprod { get; }

    /// <summary>Builds the schedule; <paramref name="trainedBetas"/>, when given, replaces the named schedule as in diffusers.</summary>
    /// <exception cref="InvalidDataException">An unsupported <c>beta_schedule</c> or a <c>trained_betas</c> of the wrong length.</exception>
    public static NoiseSchedule Create(int numTrainTimesteps, double betaStart, double betaEnd, string betaSchedule,
        IReadOnlyList<double>? trainedBetas, string source)
    {
        float[] betas;
        if (trainedBetas is not null)
        {
            if (trainedBetas.Count != numTrainTimesteps)
            {
                throw new InvalidDataException($"scheduler config '{source}': field 'trained_betas' has {trainedBetas.Count} entries, expected num_train_timesteps = {numTrainTimesteps}");
            }
            betas = [.. trainedBetas.Select(b => (float)b)];
        }
        else
        {
            betas = betaSchedule switch
            {
                "linear" => TorchLinspace(betaStart, betaEnd, numTrainTimesteps),
                "scaled_linear" => [.. TorchLinspace(Math.Sqrt(betaStart), Math.Sqrt(betaEnd), numTrainTimesteps).Select(b => b * b)],
                _ => throw new InvalidDataException($"scheduler config '{source}': field 'beta_schedule' = '{betaSchedule}' is not supported; expected 'linear' or 'scaled_linear'"),
            };
        }
        var alphasCumprod = new float[betas.Length];
        double product = 1.0;
        for (int i = 0; i < betas.Length; i++)
        {
            product *= 1f - betas[i];
            alphasCumprod[i] = (float)product;
        }
        return new NoiseSchedule(betas, alphasCumprod);
    }

    /// <summary>
    /// <c>torch.linspace(start, end, steps, dtype=float32)</c> as PyTorch's AVX2 CPU kernel computes it (one parallel chunk:
    /// fine below PyTorch's grain size of 32768): blocks of two 8-lane vectors, the remainder element by element.
    /// </summary>
    internal static float[] TorchLinspace(double start, double end, int steps)
    {
        float s = (float)start;
        float e = (float)end;
        if (steps == 1)
        {
            return [s];
        }
        float step = (e - s) / (steps - 1);
        long halfway = steps / 2;
        float Base(long i) => i < halfway ? MathF.FusedMultiplyAdd(step, i, s) : MathF.FusedMultiplyAdd(-step, steps - i - 1, e);

        var result = new float[steps];
        int index = 0;
        for (; index + 2 * Lanes <= steps; index += 2 * Lanes)
        {
            for (int block = index; block < index + 2 * Lanes; block += Lanes)
            {
                float b = Base(block);
                for (int k = 0; k < Lanes; k++)
                {
                    result[block + k] = MathF.FusedMultiplyAdd(k, step, b);
                }
            }
        }
        for (; index < steps; index++)
        {
            result[index] = Base(index);
        }
        return result;
    }
}
