using Pipeline.Models.Diffusion.Schedulers;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.Schedulers.LcmFixture;

namespace Pipeline.Models.Tests.Diffusion.Schedulers;

/// <summary><see cref="DdimScheduler"/> against diffusers 0.30.3's DDIMScheduler goldens (SD-1.5 config, <c>Fixtures/lcm/scheduler_ddim</c>).</summary>
public sealed class DdimSchedulerTests
{
    private const string Case = "scheduler_ddim";

    private static DdimScheduler FromFixture() =>
        Assert.IsType<DdimScheduler>(DiffusionSchedulers.FromConfigFile(F.File(Case, "scheduler_config.json")));

    [Fact]
    public void AlphasCumprodAndFinalAlphaMatchDiffusers()
    {
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        try
        {
            F.AssertClose(F.Floats(expected["alphas_cumprod"]), scheduler.AlphasCumprod, "alphas_cumprod (bit-exact)", 0);
            var final = expected["final_alpha_cumprod"].item<float>();
            Assert.True(final == scheduler.FinalAlphaCumprod, $"final_alpha_cumprod: expected {final:G9}, seen {scheduler.FinalAlphaCumprod:G9}");
            Assert.Equal("ddim", scheduler.Name);
            Assert.Equal(1f, scheduler.InitNoiseSigma);
        }
        finally
        {
            F.DisposeAll(expected.Values);
        }
    }

    [Theory]
    [InlineData(50)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(25)]
    public void LeadingTimestepsWithOffsetMatchDiffusers(int steps)
    {
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        try
        {
            scheduler.SetTimesteps(steps);
            F.AssertSequence(F.Longs(expected[$"timesteps_{steps}"]), scheduler.Timesteps, $"timesteps_{steps}");
        }
        finally
        {
            F.DisposeAll(expected.Values);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(48)]
    [InlineData(49)]
    public void StepMatchesDiffusersAtListedSteps(int index)
    {
        using var scope = NewDisposeScope();
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        var meta = F.Meta(Case).GetProperty("steps").GetProperty(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        scheduler.SetTimesteps(50);
        Assert.True(meta.GetProperty("t").GetInt64() == scheduler.Timesteps[index], $"step {index}: expected t = {meta.GetProperty("t")}, seen {scheduler.Timesteps[index]}");

        var result = scheduler.Step(expected[$"step{index}.model_output"], index, expected[$"step{index}.sample"],
            () => throw new InvalidOperationException("eta = 0: DDIM must not draw noise"));
        F.AssertClose(expected[$"step{index}.pred_original_sample"], result.Denoised, $"step {index} pred_original_sample");
        F.AssertClose(expected[$"step{index}.prev_sample"], result.PrevSample, $"step {index} prev_sample");
    }

    [Fact]
    public void EtaStepMatchesDiffusersWithRecordedVarianceNoise()
    {
        using var scope = NewDisposeScope();
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        var meta = F.Meta(Case).GetProperty("eta_step");
        int index = meta.GetProperty("index").GetInt32();
        scheduler.Eta = meta.GetProperty("eta").GetDouble();
        scheduler.SetTimesteps(50);
        Assert.True(meta.GetProperty("t").GetInt64() == scheduler.Timesteps[index], $"eta step: expected t = {meta.GetProperty("t")}, seen {scheduler.Timesteps[index]}");

        int draws = 0;
        var result = scheduler.Step(expected["eta0.5.model_output"], index, expected["eta0.5.sample"], () =>
        {
            draws++;
            return expected["eta0.5.variance_noise"];
        });
        Assert.True(draws == 1, $"eta > 0: expected 1 noise draw, seen {draws}");
        F.AssertClose(expected["eta0.5.pred_original_sample"], result.Denoised, "eta step pred_original_sample");
        F.AssertClose(expected["eta0.5.prev_sample"], result.PrevSample, "eta step prev_sample");

        // The noise matters: without it (eta 0) the result differs.
        scheduler.Eta = 0;
        var deterministic = scheduler.Step(expected["eta0.5.model_output"], index, expected["eta0.5.sample"], null);
        Assert.True(F.MaxAbsDiff(deterministic.PrevSample, expected["eta0.5.prev_sample"]) > 1e-3, "eta 0 should not reproduce the eta 0.5 step");
    }

    [Fact]
    public void OtherSpacingsFollowDiffusers()
    {
        // trailing: round(arange(1000, 0, -250)) - 1; linspace: round(linspace(0, 999, 4))[::-1].
        var trailing = new DdimScheduler(new DdimSchedulerConfig { TimestepSpacing = "trailing", ClipSample = false });
        trailing.SetTimesteps(4);
        F.AssertSequence([999, 749, 499, 249], trailing.Timesteps, "trailing, 4 steps");
        trailing.SetTimesteps(10);
        F.AssertSequence([999, 899, 799, 699, 599, 499, 399, 299, 199, 99], trailing.Timesteps, "trailing, 10 steps");
        var linspaced = new DdimScheduler(new DdimSchedulerConfig { TimestepSpacing = "linspace", ClipSample = false });
        linspaced.SetTimesteps(4);
        F.AssertSequence([999, 666, 333, 0], linspaced.Timesteps, "linspace, 4 steps");
        linspaced.SetTimesteps(1);
        F.AssertSequence([0], linspaced.Timesteps, "linspace, 1 step");
    }

    [Fact]
    public void DefaultsAreDiffusersDdimDefaults()
    {
        var scheduler = new DdimScheduler();
        Assert.True(scheduler.Config.ClipSample, "DDIM default clip_sample: expected true");
        Assert.True(Math.Abs(scheduler.Betas[0] - 1e-4) < 1e-9 && Math.Abs(scheduler.Betas[^1] - 0.02) < 1e-9,
            $"DDIM default linear betas: expected 1e-4..0.02, seen {scheduler.Betas[0]:G6}..{scheduler.Betas[^1]:G6}");
        Assert.Equal(1f, scheduler.FinalAlphaCumprod);
        scheduler.SetTimesteps(50);
        Assert.True(scheduler.Timesteps[0] == 980 && scheduler.Timesteps[^1] == 0, $"leading without offset: expected 980..0, seen {scheduler.Timesteps[0]}..{scheduler.Timesteps[^1]}");
    }

    [Fact]
    public void ClipSampleClampsPredictedX0()
    {
        using var scope = NewDisposeScope();
        var config = new DdimSchedulerConfig { BetaSchedule = "scaled_linear", BetaStart = 0.00085, BetaEnd = 0.012 };
        var clipped = new DdimScheduler(config with { ClipSample = true });
        var free = new DdimScheduler(config with { ClipSample = false });
        clipped.SetTimesteps(10);
        free.SetTimesteps(10);
        var sample = linspace(-3, 3, 16).reshape(1, 1, 4, 4);
        var eps = linspace(1, -1, 16).reshape(1, 1, 4, 4);
        var a = clipped.Step(eps, 3, sample, null);
        var b = free.Step(eps, 3, sample, null);
        F.AssertClose(b.Denoised.clamp(-1, 1), a.Denoised, "clipped pred_original_sample", 0);
        Assert.True(b.Denoised.abs().max().item<float>() > 1, "the unclipped estimate should exceed 1 for this test to mean anything");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void RefusesUnsupportedStepCounts(int steps)
    {
        var scheduler = FromFixture();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));
        Assert.True(error.Message.Contains("1..1000", StringComparison.Ordinal), $"message: expected the supported range 1..1000, seen '{error.Message}'");
    }

    [Fact]
    public void RefusesNegativeEta()
    {
        var scheduler = FromFixture();
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Eta = -0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DdimScheduler(null, double.NaN));
    }
}
