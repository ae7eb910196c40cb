using Pipeline.Models.Diffusion.Schedulers;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.Schedulers.LcmFixture;

namespace Pipeline.Models.Tests.Diffusion.Schedulers;

/// <summary><see cref="LcmScheduler"/> against diffusers 0.30.3's LCMScheduler goldens (<c>Fixtures/lcm/scheduler_lcm</c>).</summary>
public sealed class LcmSchedulerTests
{
    private const string Case = "scheduler_lcm";

    private static LcmScheduler FromFixture(string file = "scheduler_config.json") =>
        Assert.IsType<LcmScheduler>(DiffusionSchedulers.FromConfigFile(F.File(Case, file)));

    [Theory]
    [InlineData("scheduler_config.json")]
    [InlineData("scheduler_config_default.json")]
    public void BetasAndAlphasCumprodMatchDiffusers(string configFile)
    {
        var scheduler = FromFixture(configFile);
        var expected = F.Expected(Case);
        try
        {
            // Bit-exact: the schedule reproduces PyTorch's AVX2 linspace and its double-accumulated cumprod.
            F.AssertClose(F.Floats(expected["betas"]), scheduler.Betas, "betas", 0);
            F.AssertClose(F.Floats(expected["alphas_cumprod"]), scheduler.AlphasCumprod, "alphas_cumprod", 0);
            Assert.Equal("lcm", scheduler.Name);
            Assert.Equal(1f, scheduler.InitNoiseSigma);
        }
        finally
        {
            F.DisposeAll(expected.Values);
        }
    }

    [Fact]
    public void TimestepsMatchDiffusersForEveryListedCount()
    {
        var scheduler = FromFixture();
        var listed = F.Meta(Case).GetProperty("timesteps");
        int checkedCounts = 0;
        foreach (var entry in listed.EnumerateObject())
        {
            int n = int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
            scheduler.SetTimesteps(n);
            F.AssertSequence([.. entry.Value.EnumerateArray().Select(v => v.GetInt64())], scheduler.Timesteps, $"timesteps for {n} steps");
            checkedCounts++;
        }
        Assert.True(checkedCounts == 7, $"meta.json timesteps: expected 7 step counts, seen {checkedCounts}");

        var expected = F.Expected(Case);
        try
        {
            foreach (var n in new[] { 1, 2, 4, 8 })
            {
                scheduler.SetTimesteps(n);
                F.AssertSequence(F.Longs(expected[$"timesteps_{n}"]), scheduler.Timesteps, $"timesteps_{n}");
            }
        }
        finally
        {
            F.DisposeAll(expected.Values);
        }
    }

    [Fact]
    public void DefaultConfigGivesTheSameSchedule()
    {
        var fromSd = FromFixture();
        var fromDefault = FromFixture("scheduler_config_default.json");
        var inCode = new LcmScheduler();
        foreach (var n in new[] { 1, 3, 4, 6, 50 })
        {
            fromSd.SetTimesteps(n);
            fromDefault.SetTimesteps(n);
            inCode.SetTimesteps(n);
            F.AssertSequence(fromSd.Timesteps, fromDefault.Timesteps, $"default config, {n} steps");
            F.AssertSequence(fromSd.Timesteps, inCode.Timesteps, $"LcmSchedulerConfig defaults, {n} steps");
        }
        F.AssertClose(fromSd.AlphasCumprod, inCode.AlphasCumprod, "alphas_cumprod from defaults", 0);
    }

    [Fact]
    public void OriginalInferenceStepsOverrideChangesTheSkippingSchedule()
    {
        var scheduler = new LcmScheduler();
        scheduler.SetTimesteps(4, originalInferenceSteps: 8);
        // k = 125; origin reversed = 999, 874, ..., 124; entries floor(i * 8/4) = 0, 2, 4, 6.
        F.AssertSequence([999, 749, 499, 249], scheduler.Timesteps, "4 steps of an 8-step origin");
        scheduler.SetTimesteps(4, originalInferenceSteps: 4);
        F.AssertSequence([999, 749, 499, 249], scheduler.Timesteps, "4 steps of a 4-step origin");
        scheduler.SetTimesteps(3, originalInferenceSteps: 20);
        // k = 50; origin reversed = 999, 949, ...; entries floor(i * 20/3) = 0, 6, 13.
        F.AssertSequence([999, 699, 349], scheduler.Timesteps, "3 steps of a 20-step origin");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    [InlineData(-3)]
    public void RefusesUnsupportedStepCounts(int steps)
    {
        var scheduler = FromFixture();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));
        Assert.True(error.Message.Contains("1..50", StringComparison.Ordinal), $"message: expected the supported range 1..50, seen '{error.Message}'");
    }

    [Fact]
    public void BoundaryScalingsMatchDiffusers()
    {
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        try
        {
            var ts = F.Longs(expected["boundary_t"]);
            var cSkip = F.Floats(expected["boundary_c_skip"]);
            var cOut = F.Floats(expected["boundary_c_out"]);
            for (int i = 0; i < ts.Length; i++)
            {
                var (skip, output) = scheduler.BoundaryScalings(ts[i]);
                // c_skip spans 1e-8..1: compare relative to the value.
                Assert.True(Math.Abs(skip - cSkip[i]) <= 1e-6 * Math.Max(Math.Abs(cSkip[i]), 1e-30) + 1e-12,
                    $"c_skip at t = {ts[i]}: expected {cSkip[i]:G9}, seen {skip:G9}");
                Assert.True(Math.Abs(output - cOut[i]) <= 1e-6,
                    $"c_out at t = {ts[i]}: expected {cOut[i]:G9}, seen {output:G9}");
            }
        }
        finally
        {
            F.DisposeAll(expected.Values);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void StepLoopMatchesDiffusersWithRecordedNoise(int steps)
    {
        using var scope = NewDisposeScope();
        var scheduler = FromFixture();
        var expected = F.Expected(Case);
        var scalars = F.Meta(Case).GetProperty("loop_scalars").GetProperty(steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        scheduler.SetTimesteps(steps);
        var x = expected["x_T"];
        for (int i = 0; i < steps; i++)
        {
            var s = scalars[i];
            Assert.True(s.GetProperty("t").GetInt64() == scheduler.Timesteps[i], $"step {i}: expected t = {s.GetProperty("t")}, seen {scheduler.Timesteps[i]}");
            Assert.True(Math.Abs(s.GetProperty("alpha_prod_t").GetDouble() - scheduler.AlphasCumprod[(int)scheduler.Timesteps[i]]) <= 1e-7,
                $"step {i}: alpha_prod_t expected {s.GetProperty("alpha_prod_t")}, seen {scheduler.AlphasCumprod[(int)scheduler.Timesteps[i]]}");

            int draws = 0;
            int step = i;
            bool last = i == steps - 1;
            Tensor Draw()
            {
                draws++;
                Assert.False(last, $"{steps}-step loop: drawNoise must not be called at the last step ({step}), but was");
                return expected[$"steps{steps}.noise.{step}"];
            }
            var result = scheduler.Step(expected[$"model_output.{i}"], i, x, Draw);
            Assert.True(draws == (last ? 0 : 1), $"{steps}-step loop, step {i}: expected {(last ? 0 : 1)} noise draws, seen {draws}");
            F.AssertClose(expected[$"steps{steps}.denoised.{i}"], result.Denoised, $"{steps}-step loop: denoised {i}");
            F.AssertClose(expected[$"steps{steps}.prev_sample.{i}"], result.PrevSample, $"{steps}-step loop: prev_sample {i}");
            Assert.False(ReferenceEquals(result.PrevSample, result.Denoised), "PrevSample and Denoised must be distinct tensors");
            x = result.PrevSample;
        }
    }

    [Fact]
    public void StepNeedsTimestepsAndMatchingShapes()
    {
        using var scope = NewDisposeScope();
        var scheduler = new LcmScheduler();
        var sample = zeros(1, 4, 2, 2);
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(sample, 0, sample, () => sample));
        scheduler.SetTimesteps(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(sample, 2, sample, () => sample));
        Assert.Throws<ArgumentException>(() => scheduler.Step(zeros(1, 4, 2, 3), 0, sample, () => sample));
        var wrongNoise = Assert.Throws<ArgumentException>(() => scheduler.Step(sample, 0, sample, () => zeros(1, 4, 3, 3)));
        Assert.Contains("[1, 4, 2, 2]", wrongNoise.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => scheduler.Step(sample, 0, sample, null));
    }

    [Fact]
    public void ClipSampleClampsTheX0Estimate()
    {
        using var scope = NewDisposeScope();
        var plain = new LcmScheduler();
        var clipped = new LcmScheduler(new LcmSchedulerConfig { ClipSample = true, ClipSampleRange = 0.5 });
        plain.SetTimesteps(1);
        clipped.SetTimesteps(1);
        var sample = linspace(-3, 3, 16).reshape(1, 1, 4, 4);
        var eps = linspace(2, -2, 16).reshape(1, 1, 4, 4);
        var free = plain.Step(eps, 0, sample, null);
        var bounded = clipped.Step(eps, 0, sample, null);
        // At t = 999, c_out = 1 and c_skip ~ 2.5e-9: denoised is the (clamped) x0 estimate.
        var (cSkip, cOut) = plain.BoundaryScalings(999);
        var expected = free.Denoised.sub(sample * cSkip).div(cOut).clamp(-0.5, 0.5) * cOut + sample * cSkip;
        F.AssertClose(expected, bounded.Denoised, "clip_sample denoised", 1e-6);
        Assert.True(free.Denoised.abs().max().item<float>() > 1, "the unclipped estimate should exceed the range for this test to mean anything");
    }
}
