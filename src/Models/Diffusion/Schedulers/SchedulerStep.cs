using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Schedulers;

/// <summary>
/// What one <see cref="IDiffusionScheduler.Step"/> returns: the next sample and the clean-image estimate. LCM: the
/// boundary-condition x0 estimate (<c>denoised</c>, what the LCM pipeline decodes); DDIM: the predicted x0. The two are
/// distinct tensor objects (the caller may dispose both).
/// </summary>
public sealed record SchedulerStep(Tensor PrevSample, Tensor Denoised);
