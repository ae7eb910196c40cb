using Pipeline.Models.Registry;

namespace Pipeline.Models.Loading;

/// <summary>Tells from tensor names which naming scheme a checkpoint uses (timm, Hugging Face, original repositories).</summary>
public static class CheckpointNamingDetector
{
    private static readonly string[] HuggingFacePrefixes =
        ["embeddings.", "encoder.layer.", "layernorm.", "dinov2.", "dinov2_with_registers.", "convnext.", "convnextv2."];

    /// <summary>
    /// Hugging Face when a name carries a transformers prefix (<c>embeddings.</c>, <c>encoder.layer.</c>,
    /// <c>convnext.</c>, ...); the original repositories when one is theirs alone (DINOv2 <c>mask_token</c> /
    /// <c>register_tokens</c> / <c>mlp.w12</c>, ConvNeXt <c>downsample_layers.</c> / <c>.dwconv.</c>); timm when a name
    /// is timm's own (<c>patch_embed.</c>, <c>cls_token</c>, <c>stem.</c>, <c>stages.N.blocks.</c>, <c>conv_stem.</c>);
    /// otherwise <paramref name="fallback"/>.
    /// </summary>
    public static CheckpointNaming Detect(IEnumerable<string> names, CheckpointNaming fallback)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names as IReadOnlyCollection<string> ?? names.ToList();
        if (list.Any(n => HuggingFacePrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal))))
        {
            return CheckpointNaming.HuggingFace;
        }
        if (list.Any(n => n is "mask_token" or "register_tokens" || n.Contains(".mlp.w12.", StringComparison.Ordinal)
            || n.StartsWith("downsample_layers.", StringComparison.Ordinal) || n.Contains(".dwconv.", StringComparison.Ordinal)))
        {
            return CheckpointNaming.Original;
        }
        if (list.Any(n => n is "cls_token" || n.StartsWith("patch_embed.", StringComparison.Ordinal) || n.StartsWith("stem.", StringComparison.Ordinal)
            || n.StartsWith("conv_stem.", StringComparison.Ordinal) || (n.StartsWith("stages.", StringComparison.Ordinal) && n.Contains(".blocks.", StringComparison.Ordinal))))
        {
            return CheckpointNaming.Timm;
        }
        return fallback;
    }
}
