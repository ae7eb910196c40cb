namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// The fields of diffusers' <c>DDIMScheduler</c> config (0.30) with diffusers' defaults (note: DDIM's own defaults are
/// <c>linear</c> 1e-4..0.02, <c>clip_sample</c> true, <c>set_alpha_to_one</c> true; SD-1.5 configs override them).
/// Read with <see cref="FromFile"/>; <see cref="Validate"/> refuses what <see cref="DdimScheduler"/> does not implement.
/// Each property is the JSON field of the same name in PascalCase (<c>num_train_timesteps</c> → <see cref="NumTrainTimesteps"/>).
/// </summary>
public sealed record DdimSchedulerConfig
{
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public string BetaSchedule { get; init; } = "linear";
    public IReadOnlyList<double>? TrainedBetas { get; init; }
    public bool ClipSample { get; init; } = true;
    public bool SetAlphaToOne { get; init; } = true;
    public int StepsOffset { get; init; }
    public string PredictionType { get; init; } = "epsilon";
    public bool Thresholding { get; init; }
    public double ClipSampleRange { get; init; } = 1.0;
    public string TimestepSpacing { get; init; } = "leading";
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>Where the config was read from, for messages ("defaults" when built in code).</summary>
    public string Source { get; init; } = "defaults";

    /// <summary>Reads a <c>scheduler_config.json</c> (any scheduler class: fields DDIM knows are taken, others ignored) and validates it.</summary>
    public static DdimSchedulerConfig FromFile(string path) => From(SchedulerConfigReader.FromFile(path));

    internal static DdimSchedulerConfig From(SchedulerConfigReader r)
    {
        var d = new DdimSchedulerConfig();
        var config = new DdimSchedulerConfig
        {
            NumTrainTimesteps = r.Int("num_train_timesteps", d.NumTrainTimesteps),
            BetaStart = r.Double("beta_start", d.BetaStart),
            BetaEnd = r.Double("beta_end", d.BetaEnd),
            BetaSchedule = r.String("beta_schedule", d.BetaSchedule),
            TrainedBetas = r.DoubleArrayOrNull("trained_betas"),
            ClipSample = r.Bool("clip_sample", d.ClipSample),
            SetAlphaToOne = r.Bool("set_alpha_to_one", d.SetAlphaToOne),
            StepsOffset = r.Int("steps_offset", d.StepsOffset),
            PredictionType = r.String("prediction_type", d.PredictionType),
            Thresholding = r.Bool("thresholding", d.Thresholding),
            ClipSampleRange = r.Double("clip_sample_range", d.ClipSampleRange),
            TimestepSpacing = r.String("timestep_spacing", d.TimestepSpacing),
            RescaleBetasZeroSnr = r.Bool("rescale_betas_zero_snr", d.RescaleBetasZeroSnr),
            Source = r.Source,
        };
        config.Validate();
        return config;
    }

    /// <summary>Refuses values <see cref="DdimScheduler"/> does not implement, naming the field.</summary>
    /// <exception cref="InvalidDataException">The first unsupported field.</exception>
    public void Validate()
    {
        SchedulerConfigChecks.Common(Source, NumTrainTimesteps, BetaSchedule, TrainedBetas, PredictionType, Thresholding, RescaleBetasZeroSnr, ClipSampleRange);
        if (TimestepSpacing is not ("leading" or "trailing" or "linspace"))
        {
            throw SchedulerConfigChecks.Invalid(Source, "timestep_spacing", $"= '{TimestepSpacing}' is not supported; expected 'leading', 'trailing' or 'linspace'");
        }
        if (StepsOffset < 0 || StepsOffset >= NumTrainTimesteps)
        {
            throw SchedulerConfigChecks.Invalid(Source, "steps_offset", $"= {StepsOffset} must be in 0..num_train_timesteps-1 ({NumTrainTimesteps - 1})");
        }
    }
}
