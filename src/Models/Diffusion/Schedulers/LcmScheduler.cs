using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// diffusers' <c>LCMScheduler</c> (0.30) for epsilon-predicting UNets: the current timestep rule (a subsequence of the
/// <c>original_inference_steps</c> skipping schedule chosen with <c>floor(linspace(0, len, n, endpoint=False))</c>),
/// the consistency boundary condition (<c>sigma_data = 0.5</c>, <c>timestep_scaling</c>) and fresh noise injected at
/// every step but the last. Arithmetic is float32 in diffusers' order of operations, so steps match diffusers to
/// rounding.
/// </summary>
public sealed class LcmScheduler : IDiffusionScheduler
{
    private const float SigmaData = 0.5f;

    private readonly NoiseSchedule schedule;
    private long[] timesteps = [];

    /// <summary>Builds the scheduler; the config is validated first.</summary>
    /// <exception cref="InvalidDataException">The config asks for something not implemented; the message names the field.</exception>
    public LcmScheduler(LcmSchedulerConfig? config = null)
    {
        Config = config ?? new LcmSchedulerConfig();
        Config.Validate();
        schedule = NoiseSchedule.Create(Config.NumTrainTimesteps, Config.BetaStart, Config.BetaEnd, Config.BetaSchedule, Config.TrainedBetas, Config.Source);
        FinalAlphaCumprod = Config.SetAlphaToOne ? 1f : schedule.AlphasCumprod[0];
    }

    /// <summary>The configuration in use.</summary>
    public LcmSchedulerConfig Config { get; }

    /// <inheritdoc />
    public string Name => "lcm";

    /// <inheritdoc />
    public float InitNoiseSigma => 1f;

    /// <inheritdoc />
    public IReadOnlyList<long> Timesteps => timesteps;

    /// <summary>The training betas (float32), index = training timestep.</summary>
    public IReadOnlyList<float> Betas => schedule.Betas;

    /// <summary><c>cumprod(1 - betas)</c> in float32, index = training timestep.</summary>
    public IReadOnlyList<float> AlphasCumprod => schedule.AlphasCumprod;

    /// <summary>diffusers' <c>final_alpha_cumprod</c> (1 with <c>set_alpha_to_one</c>, else <c>alphas_cumprod[0]</c>); LCM never reaches it.</summary>
    public float FinalAlphaCumprod { get; }

    /// <inheritdoc />
    public void SetTimesteps(int steps) => SetTimesteps(steps, null);

    /// <summary>
    /// diffusers' <c>set_timesteps(steps, original_inference_steps=...)</c> with <c>strength = 1</c>:
    /// <c>k = T // original; origin = [1..original]·k − 1</c>, reversed, then entries
    /// <c>floor(linspace(0, original, steps, endpoint=False))</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is not in 1..original_inference_steps.</exception>
    public void SetTimesteps(int steps, int? originalInferenceSteps)
    {
        int original = originalInferenceSteps ?? Config.OriginalInferenceSteps;
        if (original < 1 || original > Config.NumTrainTimesteps)
        {
            throw new ArgumentOutOfRangeException(nameof(originalInferenceSteps), original,
                $"LCM: original_inference_steps must be in 1..{Config.NumTrainTimesteps} (num_train_timesteps)");
        }
        if (steps < 1 || steps > original)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"LCM runs 1..{original} steps (original_inference_steps = {original}); {steps} is not supported");
        }
        long k = Config.NumTrainTimesteps / original;
        // origin = [1..original]·k − 1, reversed: origin_rev[j] = (original − j)·k − 1.
        int length = original;
        double stride = (double)length / steps;
        var result = new long[steps];
        for (int i = 0; i < steps; i++)
        {
            // numpy: linspace(0, len, n, endpoint=False) = arange(n) * (len / n) in float64, then floor.
            var index = (long)Math.Floor(i * stride);
            result[i] = (length - index) * k - 1;
        }
        timesteps = result;
    }

    /// <summary>
    /// <c>get_scalings_for_boundary_condition_discrete(t)</c>: with <c>s = t·timestep_scaling</c> (float32),
    /// <c>c_skip = σ²/(s²+σ²)</c> and <c>c_out = s/√(s²+σ²)</c>, <c>σ = 0.5</c>, in float32 as torch computes them
    /// (<c>c_skip</c> as <c>reciprocal(s²+σ²)·σ²</c>, which is how torch evaluates a Python scalar over a tensor).
    /// </summary>
    public (float CSkip, float COut) BoundaryScalings(long timestep)
    {
        float s = (float)timestep * (float)Config.TimestepScaling;
        float denominator = s * s + SigmaData * SigmaData;
        float cSkip = (1f / denominator) * (SigmaData * SigmaData);
        float cOut = s / MathF.Sqrt(denominator);
        return (cSkip, cOut);
    }

    /// <inheritdoc />
    public SchedulerStep Step(Tensor modelOutput, int stepIndex, Tensor sample, Func<Tensor>? drawNoise)
    {
        StepScalars.CheckStep(timesteps, stepIndex, modelOutput, sample, "LCM");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        long t = timesteps[stepIndex];
        bool last = stepIndex == timesteps.Length - 1;
        long prevT = last ? t : timesteps[stepIndex + 1];

        float alphaProdT = schedule.AlphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? schedule.AlphasCumprod[prevT] : FinalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdTPrev = 1f - alphaProdTPrev;
        var (cSkip, cOut) = BoundaryScalings(t);

        // x0 = (x − √β_t·ε)/√ᾱ_t
        var predictedOriginal = (sample - StepScalars.Scalar(MathF.Sqrt(betaProdT), sample) * modelOutput)
            / StepScalars.Scalar(MathF.Sqrt(alphaProdT), sample);
        if (Config.ClipSample)
        {
            predictedOriginal = predictedOriginal.clamp(-Config.ClipSampleRange, Config.ClipSampleRange);
        }
        var denoised = StepScalars.Scalar(cOut, sample) * predictedOriginal + StepScalars.Scalar(cSkip, sample) * sample;

        Tensor prevSample;
        if (last)
        {
            // diffusers returns denoised itself; a copy keeps the two results independently disposable.
            prevSample = denoised.clone();
        }
        else
        {
            var noise = StepScalars.DrawNoise(drawNoise, sample, "LCM", stepIndex);
            prevSample = StepScalars.Scalar(MathF.Sqrt(alphaProdTPrev), sample) * denoised
                + StepScalars.Scalar(MathF.Sqrt(betaProdTPrev), sample) * noise;
        }
        return new SchedulerStep(prevSample.MoveToOuterDisposeScope(), denoised.MoveToOuterDisposeScope());
    }
}
