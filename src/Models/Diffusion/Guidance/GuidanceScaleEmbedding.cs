using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Guidance;

/// <summary>
/// The guidance-scale embedding a distilled LCM UNet takes as <c>timestep_cond</c>
/// (<c>LatentConsistencyModelPipeline.get_guidance_scale_embedding</c>): a sinusoidal embedding of <c>w·1000</c>,
/// sine half first, frequencies <c>exp(−i·ln(10000)/(half−1))</c>, and a zero column appended for an odd dimension.
/// All float32, in torch's order of operations.
/// </summary>
/// <remarks>
/// The arguments reach <c>w·1000·f ≈ 1.4e4</c>, so one ulp of a frequency moves a sine by up to ~1e-3. PyTorch's CPU
/// <c>exp</c> is not correctly rounded where it vectorises (SLEEF's <c>expf_u10</c>, in blocks of 16 elements on AVX2;
/// the remainder goes through libm), and which elements vectorise depends on the machine's SIMD width. To match
/// diffusers' numbers on any machine, the frequencies are computed here exactly as PyTorch's AVX2 kernel does (SLEEF's
/// algorithm for full 16-element blocks, correctly rounded <c>exp</c> for the rest); products, <c>sin</c> and <c>cos</c>
/// are torch ops (one ulp of the result at most).
/// </remarks>
public static class GuidanceScaleEmbedding
{
    // PyTorch's vectorized_loop handles 2 x 8 float lanes per iteration on AVX2, the tail element by element.
    private const int VectorBlock = 16;

    /// <summary>
    /// The embedding of <paramref name="w"/> repeated over <paramref name="batch"/> rows: float32
    /// <c>[batch, embeddingDim]</c> on the CPU (the caller disposes it and moves it to the model's device and dtype).
    /// </summary>
    /// <param name="w">The embedded guidance value (the pipeline passes <see cref="PipelineW"/> of its guidance scale).</param>
    /// <param name="embeddingDim">The UNet's <c>time_cond_proj_dim</c> (256 for LCM_Dreamshaper_v7); at least 4.</param>
    /// <param name="batch">Rows: batch size × images per prompt.</param>
    public static Tensor Create(float w, int embeddingDim, long batch)
    {
        // half − 1 must be positive, otherwise diffusers divides by zero (NaN columns).
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1L);
        if (!float.IsFinite(w))
        {
            throw new ArgumentOutOfRangeException(nameof(w), w, "guidance w must be finite");
        }
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var scaled = torch.full([batch], w, ScalarType.Float32) * 1000.0f;
        var frequencies = torch.tensor(Frequencies(embeddingDim / 2), ScalarType.Float32);
        var arguments = scaled.unsqueeze(1) * frequencies.unsqueeze(0);
        var embedding = torch.cat([torch.sin(arguments), torch.cos(arguments)], 1);
        if (embeddingDim % 2 == 1)
        {
            embedding = torch.nn.functional.pad(embedding, [0, 1]);
        }
        return embedding.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <c>w</c> the LCM pipeline embeds for a guidance scale: <c>guidance_scale − 1</c>. diffusers ≥ 0.23
    /// (<c>pipeline_latent_consistency_text2img.py</c>) uses <c>w = guidance_scale − 1</c> so that guidance 1 means "no
    /// guidance" as in classifier-free guidance; v0.22 embedded <c>guidance_scale</c> itself. Guidance 8.0 → w = 7.
    /// </summary>
    public static float PipelineW(float guidanceScale) => guidanceScale - 1;

    /// <summary>
    /// <c>exp(arange(half, float32) · −(log(tensor(10000.)) / (half − 1)))</c> as PyTorch computes it on an AVX2 CPU.
    /// </summary>
    internal static float[] Frequencies(int half)
    {
        float step = (float)Math.Log(10000.0) / (half - 1);
        int vectorised = half / VectorBlock * VectorBlock;
        var result = new float[half];
        for (int i = 0; i < half; i++)
        {
            float x = i * -step;
            result[i] = i < vectorised ? SleefExpU10(x) : (float)Math.Exp(x);
        }
        return result;
    }

    /// <summary>SLEEF's <c>xexpf</c> (1-ulp exp) as compiled for AVX2: FMA multiply-adds, round-to-nearest-even reduction.</summary>
    internal static float SleefExpU10(float d)
    {
        const float RLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
        const float L2U = 0.693145751953125f;
        const float L2L = 1.428606765330187045e-06f;
        int q = (int)MathF.Round(d * RLn2, MidpointRounding.ToEven);
        float s = MathF.FusedMultiplyAdd(q, -L2U, d);
        s = MathF.FusedMultiplyAdd(q, -L2L, s);
        float u = 0.000198527617612853646278381f;
        u = MathF.FusedMultiplyAdd(u, s, 0.00139304355252534151077271f);
        u = MathF.FusedMultiplyAdd(u, s, 0.00833336077630519866943359f);
        u = MathF.FusedMultiplyAdd(u, s, 0.0416664853692054748535156f);
        u = MathF.FusedMultiplyAdd(u, s, 0.166666671633720397949219f);
        u = MathF.FusedMultiplyAdd(u, s, 0.5f);
        u = 1f + MathF.FusedMultiplyAdd(s * s, u, s);
        // vldexp2: u · 2^(q >> 1) · 2^(q − (q >> 1)).
        u = u * Pow2(q >> 1) * Pow2(q - (q >> 1));
        if (d < -104f)
        {
            return 0f;
        }
        return d > 100f ? float.PositiveInfinity : u;
    }

    private static float Pow2(int e) => BitConverter.Int32BitsToSingle((e + 127) << 23);
}
