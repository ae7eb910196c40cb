namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>One generated image: RGB bytes, row-major (height x width x 3), as diffusers' <c>numpy_to_pil</c> rounds them.</summary>
/// <param name="PromptTruncated">The prompt had more than 75 tokens; the rest was cut, as diffusers does.</param>
public sealed record GeneratedImage(byte[] Rgb, int Width, int Height, bool PromptTruncated);
