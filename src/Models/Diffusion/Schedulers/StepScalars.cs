using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// Helpers for a scheduler step: scalars are float32 (computed in single precision, as diffusers' 0-d float32 tensors
/// are) and enter the tensor arithmetic as 0-d float32 tensors on the sample's device, so a float16 sample stays float16
/// and every operation is the one diffusers performs.
/// </summary>
internal static class StepScalars
{
    public static Tensor Scalar(float value, Tensor like) => torch.tensor(value, ScalarType.Float32, like.device);

    /// <summary>Calls <paramref name="drawNoise"/> once and checks the result's shape.</summary>
    public static Tensor DrawNoise(Func<Tensor>? drawNoise, Tensor sample, string scheduler, int stepIndex)
    {
        if (drawNoise is null)
        {
            throw new ArgumentNullException(nameof(drawNoise), $"{scheduler} step {stepIndex} needs noise: pass a drawNoise function");
        }
        var noise = drawNoise();
        if (!noise.shape.SequenceEqual(sample.shape))
        {
            throw new ArgumentException($"{scheduler} step {stepIndex}: drawNoise returned shape [{string.Join(", ", noise.shape)}], expected the sample's [{string.Join(", ", sample.shape)}]", nameof(drawNoise));
        }
        return noise;
    }

    public static void CheckStep(IReadOnlyList<long> timesteps, int stepIndex, Tensor modelOutput, Tensor sample, string scheduler)
    {
        if (timesteps.Count == 0)
        {
            throw new InvalidOperationException($"{scheduler}: call SetTimesteps before Step");
        }
        if (stepIndex < 0 || stepIndex >= timesteps.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex, $"{scheduler}: step index must be in 0..{timesteps.Count - 1} for the {timesteps.Count}-step schedule");
        }
        if (!modelOutput.shape.SequenceEqual(sample.shape))
        {
            throw new ArgumentException($"{scheduler} step {stepIndex}: model output shape [{string.Join(", ", modelOutput.shape)}] differs from the sample's [{string.Join(", ", sample.shape)}]", nameof(modelOutput));
        }
    }
}
