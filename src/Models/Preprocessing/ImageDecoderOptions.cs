namespace Pipeline.Models.Preprocessing;

/// <summary>Limits and switches for <see cref="ImageDecoder"/>. The defaults reproduce Pillow's eval-time loading.</summary>
public sealed class ImageDecoderOptions
{
    /// <summary>Shared default instance.</summary>
    public static ImageDecoderOptions Default { get; } = new();

    /// <summary>
    /// Largest width * height accepted, read from the header before any pixel memory is allocated. The default is
    /// Pillow's decompression-bomb error threshold (2 * <c>Image.MAX_IMAGE_PIXELS</c> = 2 * 89,478,485).
    /// </summary>
    public long MaxPixels { get; init; } = 178_956_970;

    /// <summary>Rotate / flip by the EXIF orientation tag, as <c>PIL.ImageOps.exif_transpose</c> does. Default true.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// Accept a file whose data ends early and keep the rows that did decode (Pillow's
    /// <c>ImageFile.LOAD_TRUNCATED_IMAGES</c>). Default false: a truncated file is an <see cref="ImageDecodeException"/>,
    /// as it is in Pillow.
    /// </summary>
    public bool AllowTruncated { get; init; }

    /// <summary>
    /// Opt-in speed-up, off (0) by default because it changes the pixels: when positive, a JPEG is decoded by libjpeg
    /// at 1/2, 1/4 or 1/8 scale, the smallest whose shorter side is still at least this many pixels (set it to the
    /// resize target). Other formats ignore it.
    /// </summary>
    public int ScaledJpegMinShortSide { get; init; }
}
