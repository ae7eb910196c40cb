namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>The config checks LCM and DDIM share: what neither scheduler here implements is refused, naming the field.</summary>
internal static class SchedulerConfigChecks
{
    public static void Common(string source, int numTrainTimesteps, string betaSchedule, IReadOnlyList<double>? trainedBetas,
        string predictionType, bool thresholding, bool rescaleBetasZeroSnr, double clipSampleRange)
    {
        if (numTrainTimesteps < 1)
        {
            throw Invalid(source, "num_train_timesteps", $"= {numTrainTimesteps} must be at least 1");
        }
        if (trainedBetas is null && betaSchedule is not ("linear" or "scaled_linear"))
        {
            throw Invalid(source, "beta_schedule", $"= '{betaSchedule}' is not supported; expected 'linear' or 'scaled_linear' (or give trained_betas)");
        }
        if (predictionType != "epsilon")
        {
            throw Invalid(source, "prediction_type", $"= '{predictionType}' is not supported; the pipeline's UNet predicts noise, expected 'epsilon'");
        }
        if (thresholding)
        {
            throw Invalid(source, "thresholding", "= true (dynamic thresholding) is not implemented; expected false");
        }
        if (rescaleBetasZeroSnr)
        {
            throw Invalid(source, "rescale_betas_zero_snr", "= true is not implemented; expected false");
        }
        if (!(clipSampleRange > 0))
        {
            throw Invalid(source, "clip_sample_range", $"= {clipSampleRange} must be positive");
        }
    }

    public static InvalidDataException Invalid(string source, string field, string what) =>
        new($"scheduler config '{source}': field '{field}' {what}");
}
