using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Lora;

/// <summary>
/// One low-rank update from a LoRA file, in whatever naming the file used, normalised to the target module and the
/// pair <c>(down [r, in(, kh, kw)], up [out, r(, 1, 1)])</c> with its <c>alpha</c>: the fused weight is
/// <c>W + scale·(alpha/r)·up·down</c>.
/// </summary>
/// <param name="Component"><c>unet</c>, <c>text_encoder</c> or <c>text_encoder_2</c>.</param>
/// <param name="ModulePath">The module's path in diffusers / transformers names (<c>down_blocks.0.attentions.0.proj_in</c>),
/// or, when <paramref name="FlattenedName"/>, kohya's form of it with every '.' written as '_' (resolved against the
/// target's own module paths by <see cref="LoraFusion"/>, since '_' is ambiguous).</param>
/// <param name="FlattenedName">True for kohya names (<c>lora_unet_...</c>, <c>lora_te_...</c>).</param>
/// <param name="Down">The down (A) weight as stored (any float dtype).</param>
/// <param name="Up">The up (B) weight as stored.</param>
/// <param name="Alpha">The stored <c>alpha</c>; null when the file has none (then alpha = rank, scale 1).</param>
/// <param name="DownKey">The file key of the down weight, for messages.</param>
public sealed record LoraLayer(string Component, string ModulePath, bool FlattenedName, Tensor Down, Tensor Up, double? Alpha, string DownKey)
{
    /// <summary>The rank r (rows of <see cref="Down"/>).</summary>
    public long Rank => Down.shape[0];

    /// <summary><c>alpha / r</c>, with alpha = r when the file has no alpha.</summary>
    public double AlphaOverRank => (Alpha ?? Rank) / Rank;
}
