using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// A diffusers-style sampler the text-to-image pipeline drives: <see cref="SetTimesteps"/> once per generation, then
/// <see cref="Step"/> for each entry of <see cref="Timesteps"/> in order. One interface so the pipeline runs LCM and the
/// DDIM baseline with the same loop.
/// </summary>
public interface IDiffusionScheduler
{
    /// <summary><c>lcm</c> or <c>ddim</c>.</summary>
    string Name { get; }

    /// <summary>The schedule set by the last <see cref="SetTimesteps"/> (empty before), from noisiest to cleanest.</summary>
    IReadOnlyList<long> Timesteps { get; }

    /// <summary>Builds the schedule for <paramref name="steps"/> denoising steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">This scheduler cannot run that many steps; the message says which counts it can.</exception>
    void SetTimesteps(int steps);

    /// <summary>
    /// One denoising step. <paramref name="modelOutput"/> is the predicted noise (epsilon) at <c>Timesteps[stepIndex]</c>.
    /// <paramref name="drawNoise"/> returns a tensor of the sample's shape; it is called at most once, and only when this
    /// step needs noise (LCM: every step but the last; DDIM: eta &gt; 0). The caller owns (disposes) the result's tensors.
    /// </summary>
    SchedulerStep Step(Tensor modelOutput, int stepIndex, Tensor sample, Func<Tensor>? drawNoise);

    /// <summary>Standard deviation of the initial latent noise (1 for both schedulers here).</summary>
    float InitNoiseSigma { get; }
}
