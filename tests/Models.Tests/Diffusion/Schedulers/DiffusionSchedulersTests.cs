using Pipeline.Models.Diffusion.Schedulers;
using F = Pipeline.Models.Tests.Diffusion.Schedulers.LcmFixture;

namespace Pipeline.Models.Tests.Diffusion.Schedulers;

/// <summary><see cref="DiffusionSchedulers.FromConfigFile"/>: class dispatch, diffusers' from_config semantics, refusals naming the field.</summary>
public sealed class DiffusionSchedulersTests
{
    [Fact]
    public void BuildsTheClassTheConfigNames()
    {
        Assert.IsType<LcmScheduler>(DiffusionSchedulers.FromConfigFile(F.File("scheduler_lcm", "scheduler_config.json")));
        Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(F.File("scheduler_ddim", "scheduler_config.json")));
    }

    [Fact]
    public void DdimFromAnLcmConfigTakesTheFieldsItKnows()
    {
        // The LCM fixture config carries SD-1.5's fields (scaled_linear, set_alpha_to_one false, steps_offset 1,
        // clip_sample false): DDIMScheduler.from_config of it is the SD-1.5 DDIM of the scheduler_ddim goldens.
        var ddim = Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(F.File("scheduler_lcm", "scheduler_config.json"), "ddim"));
        var reference = Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(F.File("scheduler_ddim", "scheduler_config.json")));
        Assert.False(ddim.Config.ClipSample, "clip_sample: expected false from the LCM config, seen true");
        Assert.Equal(reference.FinalAlphaCumprod, ddim.FinalAlphaCumprod);
        F.AssertClose(reference.AlphasCumprod, ddim.AlphasCumprod, "alphas_cumprod", 0);
        ddim.SetTimesteps(50);
        reference.SetTimesteps(50);
        F.AssertSequence(reference.Timesteps, ddim.Timesteps, "50 DDIM steps from the LCM config");
    }

    [Fact]
    public void LcmFromADdimConfigTakesTheFieldsItKnows()
    {
        var lcm = Assert.IsType<LcmScheduler>(DiffusionSchedulers.FromConfigFile(F.File("scheduler_ddim", "scheduler_config.json"), "LCM"));
        Assert.Equal(50, lcm.Config.OriginalInferenceSteps);
        Assert.Equal(10.0, lcm.Config.TimestepScaling);
        lcm.SetTimesteps(4);
        F.AssertSequence([999, 759, 499, 259], lcm.Timesteps, "4 LCM steps from the DDIM config");
    }

    [Fact]
    public void AbsentFieldsTakeTheChosenSchedulersDefaults() =>
        F.WithTempConfig("""{ "_class_name": "PNDMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012 }""", path =>
        {
            var ddim = Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(path, "ddim"));
            Assert.True(ddim.Config.ClipSample, "DDIM default clip_sample: expected true");
            Assert.True(ddim.Config.SetAlphaToOne, "DDIM default set_alpha_to_one: expected true");
            var lcm = Assert.IsType<LcmScheduler>(DiffusionSchedulers.FromConfigFile(path, "lcm"));
            Assert.False(lcm.Config.ClipSample, "LCM default clip_sample: expected false");
            var error = Assert.Throws<InvalidDataException>(() => DiffusionSchedulers.FromConfigFile(path));
            Assert.Contains("_class_name", error.Message, StringComparison.Ordinal);
            Assert.Contains("PNDMScheduler", error.Message, StringComparison.Ordinal);
        });

    [Fact]
    public void RefusesAnUnknownSchedulerChoice()
    {
        var error = Assert.Throws<ArgumentException>(() => DiffusionSchedulers.FromConfigFile(F.File("scheduler_lcm", "scheduler_config.json"), "euler"));
        Assert.Contains("euler", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LCMScheduler", "prediction_type", "\"v_prediction\"")]
    [InlineData("LCMScheduler", "beta_schedule", "\"squaredcos_cap_v2\"")]
    [InlineData("LCMScheduler", "thresholding", "true")]
    [InlineData("LCMScheduler", "rescale_betas_zero_snr", "true")]
    [InlineData("LCMScheduler", "original_inference_steps", "0")]
    [InlineData("LCMScheduler", "num_train_timesteps", "\"1000\"")]
    [InlineData("DDIMScheduler", "prediction_type", "\"sample\"")]
    [InlineData("DDIMScheduler", "beta_schedule", "\"squaredcos_cap_v2\"")]
    [InlineData("DDIMScheduler", "timestep_spacing", "\"karras\"")]
    [InlineData("DDIMScheduler", "thresholding", "true")]
    [InlineData("DDIMScheduler", "clip_sample", "null")]
    public void RefusesUnsupportedValuesNamingTheField(string className, string field, string value) =>
        F.WithTempConfig($$"""{ "_class_name": "{{className}}", "{{field}}": {{value}} }""", path =>
        {
            var error = Assert.Throws<InvalidDataException>(() => DiffusionSchedulers.FromConfigFile(path));
            Assert.True(error.Message.Contains($"'{field}'", StringComparison.Ordinal), $"message: expected the field '{field}' named, seen '{error.Message}'");
        });

    [Fact]
    public void TrainedBetasReplaceTheNamedSchedule() =>
        F.WithTempConfig("""{ "_class_name": "DDIMScheduler", "num_train_timesteps": 4, "trained_betas": [0.1, 0.2, 0.3, 0.4], "beta_schedule": "made_up", "clip_sample": false }""", path =>
        {
            var ddim = Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(path));
            F.AssertClose([0.1f, 0.2f, 0.3f, 0.4f], ddim.Betas, "trained betas", 0);
            F.AssertClose([0.9f, 0.9f * 0.8f, 0.9f * 0.8f * 0.7f, 0.9f * 0.8f * 0.7f * 0.6f], ddim.AlphasCumprod, "alphas_cumprod", 1e-7);
        });
}
