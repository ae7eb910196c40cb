namespace Pipeline.Models.Vision;

/// <summary>
/// How the patch part of the learned position table is resampled when the input grid differs from the table's
/// grid. The three published DINOv2 implementations differ, and the differences reach the embeddings.
/// </summary>
public enum ViTPosEmbedResampling
{
    /// <summary>
    /// timm <c>resample_abs_pos_embed</c>, Hugging Face <c>Dinov2WithRegistersModel</c>, and the original repository's
    /// register models (<c>interpolate_antialias=True, interpolate_offset=0</c>): bicubic to the explicit target size,
    /// antialiased (PyTorch's separable a = -0.5 kernel).
    /// </summary>
    Timm,

    /// <summary>Hugging Face <c>Dinov2Model</c>: bicubic (a = -0.75) to the explicit target size, no antialias.</summary>
    Transformers,

    /// <summary>
    /// facebookresearch/dinov2 (models without registers): bicubic (a = -0.75), no antialias, driven by
    /// <c>scale_factor = (grid + 0.1) / sqrt(N)</c> (the historical +0.1 offset), so the sampling positions differ
    /// slightly from an explicit-size resize.
    /// </summary>
    Original,
}
