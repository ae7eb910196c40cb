namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>One image to make: its prompt and the seed of its own CPU generator (initial latents, then each step's noise).</summary>
public sealed record ImageRequest(string Prompt, long Seed);
