namespace Pipeline.Models.Preprocessing;

/// <summary>
/// A decoded image as 8-bit RGB, interleaved row-major (HWC): the byte at <c>(y * Width + x) * 3 + c</c> is channel
/// <c>c</c> (R, G, B) of the pixel in column <c>x</c>, row <c>y</c>. This is what Pillow's <c>convert("RGB")</c> gives.
/// </summary>
public sealed class DecodedImage
{
    /// <summary>Wraps RGB bytes (not copied); <paramref name="rgb"/> must hold exactly width * height * 3 bytes.</summary>
    public DecodedImage(int width, int height, byte[] rgb, string format = "raw")
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((long)width * height * 3 != rgb.LongLength)
        {
            throw new ArgumentException(
                $"RGB buffer of a {width}x{height} image must hold {(long)width * height * 3} bytes, it holds {rgb.LongLength}.",
                nameof(rgb));
        }

        Width = width;
        Height = height;
        Rgb = rgb;
        Format = format;
    }

    /// <summary>Width in pixels, after EXIF orientation was applied.</summary>
    public int Width { get; }

    /// <summary>Height in pixels, after EXIF orientation was applied.</summary>
    public int Height { get; }

    /// <summary>HWC uint8 RGB, length <c>Width * Height * 3</c>.</summary>
    public byte[] Rgb { get; }

    /// <summary>The encoded format the pixels came from, lower case (<c>jpeg</c>, <c>png</c>, <c>webp</c>, ...).</summary>
    public string Format { get; }
}
