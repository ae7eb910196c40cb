namespace Pipeline.Models.Registry;

/// <summary>
/// A timm architecture (<c>convnext_tiny</c>, <c>vit_small_patch14_dinov2</c>) with the pretrained tags the registry
/// knows for it. A bare architecture name resolves to <see cref="Default"/>, timm's default tag (the first in the
/// architecture's <c>DefaultCfg.tags</c>, as <c>timm.create_model</c> and <c>get_pretrained_cfg</c> pick it).
/// </summary>
/// <param name="Name">The architecture, as a timm user types it.</param>
/// <param name="Default">The variant of timm's default tag.</param>
/// <param name="Variants">Every registry variant of the architecture, the default first.</param>
public sealed record TimmArchitecture(string Name, ModelVariant Default, IReadOnlyList<ModelVariant> Variants);
