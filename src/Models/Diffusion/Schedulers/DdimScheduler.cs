using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// diffusers' <c>DDIMScheduler</c> (0.30) for epsilon-predicting UNets: <c>leading</c> (with <c>steps_offset</c>),
/// <c>trailing</c> or <c>linspace</c> spacing, <c>prev_t = t − T // n</c>, <c>final_alpha_cumprod</c> past the start,
/// optional <c>clip_sample</c>, and <see cref="Eta"/> (0 = deterministic DDIM). The baseline the LCM runs are compared
/// with (e.g. 50 steps). Float32 arithmetic in diffusers' order of operations.
/// </summary>
public sealed class DdimScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule schedule;
    private long[] timesteps = [];
    private int numInferenceSteps;
    private double eta;

    /// <summary>Builds the scheduler; the config is validated first.</summary>
    /// <param name="config">The config (diffusers' DDIM defaults when null).</param>
    /// <param name="eta">DDIM's η: 0 deterministic, 1 DDPM-like; noise is drawn only when positive.</param>
    /// <exception cref="InvalidDataException">The config asks for something not implemented; the message names the field.</exception>
    public DdimScheduler(DdimSchedulerConfig? config = null, double eta = 0.0)
    {
        Config = config ?? new DdimSchedulerConfig();
        Config.Validate();
        schedule = NoiseSchedule.Create(Config.NumTrainTimesteps, Config.BetaStart, Config.BetaEnd, Config.BetaSchedule, Config.TrainedBetas, Config.Source);
        FinalAlphaCumprod = Config.SetAlphaToOne ? 1f : schedule.AlphasCumprod[0];
        Eta = eta;
    }

    /// <summary>The configuration in use.</summary>
    public DdimSchedulerConfig Config { get; }

    /// <summary>DDIM's η (diffusers' <c>step(eta=...)</c>); must be finite and non-negative.</summary>
    public double Eta
    {
        get => eta;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "DDIM eta must be a finite number >= 0");
            }
            eta = value;
        }
    }

    /// <inheritdoc />
    public string Name => "ddim";

    /// <inheritdoc />
    public float InitNoiseSigma => 1f;

    /// <inheritdoc />
    public IReadOnlyList<long> Timesteps => timesteps;

    /// <summary>The training betas (float32), index = training timestep.</summary>
    public IReadOnlyList<float> Betas => schedule.Betas;

    /// <summary><c>cumprod(1 - betas)</c> in float32, index = training timestep.</summary>
    public IReadOnlyList<float> AlphasCumprod => schedule.AlphasCumprod;

    /// <summary><c>ᾱ</c> used when <c>prev_t &lt; 0</c>: 1 with <c>set_alpha_to_one</c>, else <c>alphas_cumprod[0]</c>.</summary>
    public float FinalAlphaCumprod { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is not in 1..num_train_timesteps.</exception>
    public void SetTimesteps(int steps)
    {
        int T = Config.NumTrainTimesteps;
        if (steps < 1 || steps > T)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"DDIM runs 1..{T} steps (num_train_timesteps = {T}); {steps} is not supported");
        }
        var result = Config.TimestepSpacing switch
        {
            "leading" => Leading(steps, T, Config.StepsOffset),
            "trailing" => Trailing(steps, T),
            _ => Linspace(steps, T),
        };
        foreach (var t in result)
        {
            if (t < 0 || t >= T)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), steps, $"DDIM: {steps} steps with '{Config.TimestepSpacing}' spacing give timestep {t}, outside 0..{T - 1}");
            }
        }
        timesteps = result;
        numInferenceSteps = steps;
    }

    /// <inheritdoc />
    public SchedulerStep Step(Tensor modelOutput, int stepIndex, Tensor sample, Func<Tensor>? drawNoise)
    {
        StepScalars.CheckStep(timesteps, stepIndex, modelOutput, sample, "DDIM");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        long t = timesteps[stepIndex];
        long prevT = t - Config.NumTrainTimesteps / numInferenceSteps;

        float alphaProdT = schedule.AlphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? schedule.AlphasCumprod[prevT] : FinalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdTPrev = 1f - alphaProdTPrev;

        var predictedOriginal = (sample - StepScalars.Scalar(MathF.Sqrt(betaProdT), sample) * modelOutput)
            / StepScalars.Scalar(MathF.Sqrt(alphaProdT), sample);
        if (Config.ClipSample)
        {
            predictedOriginal = predictedOriginal.clamp(-Config.ClipSampleRange, Config.ClipSampleRange);
        }

        // _get_variance, then std_dev_t = eta·√variance (eta enters as float32, as torch casts a Python float).
        float variance = (betaProdTPrev / betaProdT) * (1f - alphaProdT / alphaProdTPrev);
        float stdDevT = (float)eta * MathF.Sqrt(variance);
        float directionScale = MathF.Sqrt(1f - alphaProdTPrev - stdDevT * stdDevT);
        var direction = StepScalars.Scalar(directionScale, sample) * modelOutput;
        var prevSample = StepScalars.Scalar(MathF.Sqrt(alphaProdTPrev), sample) * predictedOriginal + direction;
        if (eta > 0)
        {
            var noise = StepScalars.DrawNoise(drawNoise, sample, "DDIM", stepIndex);
            prevSample = prevSample + StepScalars.Scalar(stdDevT, sample) * noise;
        }
        return new SchedulerStep(prevSample.MoveToOuterDisposeScope(), predictedOriginal.MoveToOuterDisposeScope());
    }

    // (arange(n)·(T // n)).round()[::-1] + steps_offset
    private static long[] Leading(int n, int T, int offset)
    {
        long ratio = T / n;
        return [.. Enumerable.Range(0, n).Reverse().Select(i => i * ratio + offset)];
    }

    // np.round(np.arange(T, 0, -T/n)) − 1, with numpy's arange length (ceil) and fill (start + i·delta).
    private static long[] Trailing(int n, int T)
    {
        double step = -((double)T / n);
        long length = (long)Math.Ceiling((0.0 - T) / step);
        double second = T + step;
        double delta = second - T;
        var result = new long[length];
        for (long i = 0; i < length; i++)
        {
            double value = i == 0 ? T : i == 1 ? second : T + i * delta;
            result[i] = (long)Math.Round(value, MidpointRounding.ToEven) - 1;
        }
        return result;
    }

    // np.linspace(0, T − 1, n).round()[::-1]: arange(n)·((T−1)/(n−1)), last entry exactly T − 1.
    private static long[] Linspace(int n, int T)
    {
        var result = new long[n];
        double stop = T - 1;
        for (int i = 0; i < n; i++)
        {
            double value = n == 1 ? 0.0 : i == n - 1 ? stop : i * (stop / (n - 1));
            result[n - 1 - i] = (long)Math.Round(value, MidpointRounding.ToEven);
        }
        return result;
    }
}
