namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>Sampling settings shared by every image of a call.</summary>
/// <param name="Guidance">For a UNet with a guidance embedding (distilled LCM): embedded as w = guidance - 1, no CFG. Otherwise CFG when above 1.</param>
public sealed record GenerationSettings(int Steps, double Guidance, int Width, int Height);
