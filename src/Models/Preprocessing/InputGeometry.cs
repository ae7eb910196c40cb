using Pipeline.Models.Registry;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// The parts of an eval transform that <see cref="PreprocessConfig"/> (shorter-side resize + centre crop) cannot state:
/// a non-square resize target (timm <c>input_size</c> H x W), no resize (Hugging Face <c>do_resize: false</c>) and no
/// crop (<c>do_center_crop: false</c>). Mean, std, crop size and crop rounding still come from the config.
/// <see cref="Default"/> is the fixed-size path, unchanged.
/// </summary>
/// <param name="Resize">How the image is resized.</param>
/// <param name="CenterCrop">Centre-crop to the config's crop size after resizing; false = the resized image enters whole.</param>
/// <param name="ResizeHeight">Target height for <see cref="InputResize.KeepRatio"/> / <see cref="InputResize.Exact"/>.</param>
/// <param name="ResizeWidth">Target width for <see cref="InputResize.KeepRatio"/> / <see cref="InputResize.Exact"/>.</param>
/// <param name="Interpolation">Filter for <see cref="InputResize.KeepRatio"/> / <see cref="InputResize.Exact"/>.</param>
public sealed record InputGeometry(
    InputResize Resize = InputResize.Config,
    bool CenterCrop = true,
    int ResizeHeight = 0,
    int ResizeWidth = 0,
    Interpolation Interpolation = Interpolation.Bicubic)
{
    /// <summary>The config's own shorter-side resize and crop: one input size for every image.</summary>
    public static InputGeometry Default { get; } = new();

    /// <summary>Each image enters at its own size, rescaled and normalised only.</summary>
    public static InputGeometry NativeSize { get; } = new(InputResize.None, CenterCrop: false);

    /// <summary>True when every image gets the config's crop size (batches need no grouping).</summary>
    public bool FixedSize => CenterCrop;
}
