namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// The fields of diffusers' <c>LCMScheduler</c> config (0.30) with diffusers' defaults, so an absent field means what
/// it means in diffusers. Read with <see cref="FromFile"/>; <see cref="Validate"/> refuses what
/// <see cref="LcmScheduler"/> does not implement.
/// Each property is the JSON field of the same name in PascalCase (<c>num_train_timesteps</c> → <see cref="NumTrainTimesteps"/>).
/// </summary>
public sealed record LcmSchedulerConfig
{
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.00085;
    public double BetaEnd { get; init; } = 0.012;
    public string BetaSchedule { get; init; } = "scaled_linear";
    public IReadOnlyList<double>? TrainedBetas { get; init; }
    public int OriginalInferenceSteps { get; init; } = 50;
    public bool ClipSample { get; init; }
    public double ClipSampleRange { get; init; } = 1.0;
    public bool SetAlphaToOne { get; init; } = true;
    public int StepsOffset { get; init; }
    public string PredictionType { get; init; } = "epsilon";
    public bool Thresholding { get; init; }
    public string TimestepSpacing { get; init; } = "leading";
    public double TimestepScaling { get; init; } = 10.0;
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>Where the config was read from, for messages ("defaults" when built in code).</summary>
    public string Source { get; init; } = "defaults";

    /// <summary>Reads a <c>scheduler_config.json</c> (any scheduler class: fields LCM knows are taken, others ignored) and validates it.</summary>
    public static LcmSchedulerConfig FromFile(string path) => From(SchedulerConfigReader.FromFile(path));

    internal static LcmSchedulerConfig From(SchedulerConfigReader r)
    {
        var d = new LcmSchedulerConfig();
        var config = new LcmSchedulerConfig
        {
            NumTrainTimesteps = r.Int("num_train_timesteps", d.NumTrainTimesteps),
            BetaStart = r.Double("beta_start", d.BetaStart),
            BetaEnd = r.Double("beta_end", d.BetaEnd),
            BetaSchedule = r.String("beta_schedule", d.BetaSchedule),
            TrainedBetas = r.DoubleArrayOrNull("trained_betas"),
            OriginalInferenceSteps = r.Int("original_inference_steps", d.OriginalInferenceSteps),
            ClipSample = r.Bool("clip_sample", d.ClipSample),
            ClipSampleRange = r.Double("clip_sample_range", d.ClipSampleRange),
            SetAlphaToOne = r.Bool("set_alpha_to_one", d.SetAlphaToOne),
            StepsOffset = r.Int("steps_offset", d.StepsOffset),
            PredictionType = r.String("prediction_type", d.PredictionType),
            Thresholding = r.Bool("thresholding", d.Thresholding),
            TimestepSpacing = r.String("timestep_spacing", d.TimestepSpacing),
            TimestepScaling = r.Double("timestep_scaling", d.TimestepScaling),
            RescaleBetasZeroSnr = r.Bool("rescale_betas_zero_snr", d.RescaleBetasZeroSnr),
            Source = r.Source,
        };
        config.Validate();
        return config;
    }

    /// <summary>Refuses values <see cref="LcmScheduler"/> does not implement, naming the field.</summary>
    /// <exception cref="InvalidDataException">The first unsupported field.</exception>
    public void Validate()
    {
        SchedulerConfigChecks.Common(Source, NumTrainTimesteps, BetaSchedule, TrainedBetas, PredictionType, Thresholding, RescaleBetasZeroSnr, ClipSampleRange);
        if (OriginalInferenceSteps < 1 || OriginalInferenceSteps > NumTrainTimesteps)
        {
            throw new InvalidDataException($"scheduler config '{Source}': field 'original_inference_steps' = {OriginalInferenceSteps} must be in 1..num_train_timesteps ({NumTrainTimesteps})");
        }
        if (!(TimestepScaling > 0) || double.IsInfinity(TimestepScaling))
        {
            throw new InvalidDataException($"scheduler config '{Source}': field 'timestep_scaling' = {TimestepScaling} must be a positive number");
        }
    }
}
