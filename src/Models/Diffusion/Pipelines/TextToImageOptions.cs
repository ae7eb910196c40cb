namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>How a <see cref="TextToImagePipeline"/> is assembled from a model folder.</summary>
/// <param name="Lora">A LoRA <c>.safetensors</c> fused into the UNet (and text encoder, when it has such layers) at load; null for none.</param>
/// <param name="LoraScale">The LoRA's weight (diffusers' <c>fuse_lora(lora_scale=...)</c>).</param>
/// <param name="Scheduler"><c>lcm</c> or <c>ddim</c>; null = the folder's <c>scheduler_config.json</c> class.</param>
/// <param name="Device"><c>cpu</c> or <c>cuda[:N]</c>.</param>
/// <param name="ComputeDType"><c>float32</c>, or <c>float16</c> / <c>bfloat16</c> on CUDA.</param>
public sealed record TextToImageOptions(string? Lora = null, double LoraScale = 1.0, string? Scheduler = null, string Device = "cpu", string ComputeDType = "float32");
