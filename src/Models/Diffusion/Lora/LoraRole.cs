namespace Pipeline.Models.Diffusion.Lora;

/// <summary>Which tensor of a LoRA triple a file key holds (see <see cref="LoraKey"/>).</summary>
internal enum LoraRole
{
    Down,
    Up,
    Alpha,
}
