namespace Pipeline.Models.Preprocessing;

/// <summary>How <see cref="InputGeometry"/> resizes a decoded image before the (optional) centre crop.</summary>
public enum InputResize
{
    /// <summary>
    /// The <see cref="Registry.PreprocessConfig"/>'s own resize: the shorter side to <c>ResizeShortestEdge</c> (or both
    /// sides with <c>Squash</c>). The fixed-size path every registry variant uses.
    /// </summary>
    Config,

    /// <summary>
    /// timm's <c>ResizeKeepRatio(scale_size)</c> for a non-square target (crop_mode center): the factor is
    /// <c>min(h / target_h, w / target_w)</c> and each side becomes <c>round(side / factor)</c> (halves to even).
    /// </summary>
    KeepRatio,

    /// <summary>Both sides to an exact (height, width): timm's <c>Resize((h, w))</c> (crop_mode squash, non-square).</summary>
    Exact,

    /// <summary>No resize: the image keeps its own size (Hugging Face <c>do_resize: false</c>).</summary>
    None,
}
