namespace Pipeline.Models.Diffusion.Lora;

/// <summary>What <see cref="LoraFusion.Fuse"/> changed: how many layers of each kind, and which module paths.</summary>
public sealed record LoraFuseReport(int LinearLayers, int Conv2dLayers, IReadOnlyList<string> ModulePaths)
{
    /// <summary>All fused layers.</summary>
    public int FusedLayers => LinearLayers + Conv2dLayers;

    /// <summary>One line for logs.</summary>
    public string Summary => $"fused {FusedLayers} LoRA layers ({LinearLayers} Linear, {Conv2dLayers} Conv2d)";
}
