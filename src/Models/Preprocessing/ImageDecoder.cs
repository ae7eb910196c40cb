using SkiaSharp;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF (first frame) with SkiaSharp into 8-bit RGB the way Pillow's
/// <c>Image.open(...).convert("RGB")</c> does: grayscale is replicated, palette entries are looked up, alpha is dropped
/// without compositing, 16-bit samples keep their high byte, CMYK is converted by the JPEG codec. The EXIF orientation
/// is applied like <c>ImageOps.exif_transpose</c>. Skia reads every header; the pixels of a clean full-size RGB or
/// gray JPEG come from the system's TurboJPEG when it is installed (<see cref="TurboJpeg"/>: the same bytes, twice as
/// fast). Thread-safe; each call owns its codec.
/// </summary>
public static class ImageDecoder
{
    /// <summary>True when JPEG pixels come from the system's TurboJPEG (Pillow's bytes), false when Skia decodes them.</summary>
    public static bool JpegThroughTurboJpeg => TurboJpeg.Available;

    /// <summary>What decodes JPEG pixels in this process, for benchmarks and logs.</summary>
    public static string JpegBackend => TurboJpeg.Available ? "TurboJPEG (system libjpeg-turbo)" : "SkiaSharp (libturbojpeg.so.0 not found or PIPELINE_JPEG=skia)";

    /// <summary>Decodes one encoded image.</summary>
    /// <exception cref="ImageDecodeException">The bytes are empty, unrecognised, corrupt, truncated, or over the pixel limit.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException("The file is empty (0 bytes).");
        }

        // One copy of the encoded bytes into native memory keeps this method free of unsafe code; it costs a memcpy,
        // small next to the decode itself.
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new ImageDecodeException(
                $"Not a decodable image ({encoded.Length} bytes, starts with {Signature(encoded)}): the header was not "
                + "recognised as JPEG, PNG, WebP, BMP or GIF, or it is too corrupt or short to read.");
        }

        var format = codec.EncodedFormat.ToString().ToLowerInvariant();
        var header = codec.Info;
        CheckSize(header.Width, header.Height, format, options.MaxPixels);

        var (width, height) = ScaledSize(codec, options.ScaledJpegMinShortSide);
        var origin = options.ApplyExifOrientation ? codec.EncodedOrigin : SKEncodedOrigin.TopLeft;
        if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg && (width, height) == (header.Width, header.Height)
            && TurboJpeg.TryDecodeRgb(encoded, width, height, out var decoded))
        {
            var oriented = ImageOrientation.OrientRgb(decoded, width, height, origin, out var orientedWidth, out var orientedHeight);
            return new DecodedImage(orientedWidth, orientedHeight, oriented, format);
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgbaLength = checked(width * height * 4);
        var rgba = ByteBuffers.Rent(rgbaLength);
        try
        {
            // Unpremul keeps the stored colour of translucent pixels, as Pillow's convert("RGB") does. No colour space
            // on the destination: Skia then does no ICC conversion, and neither does Pillow.
            var result = codec.GetPixels(info, rgba);
            if (result == SKCodecResult.IncompleteInput && !options.AllowTruncated)
            {
                throw new ImageDecodeException(
                    $"The {format} data is truncated: {width}x{height} image, {encoded.Length} bytes, the pixel data ends early.");
            }

            if (result != SKCodecResult.Success && result != SKCodecResult.IncompleteInput)
            {
                throw new ImageDecodeException($"The {format} pixel data could not be decoded ({width}x{height}, Skia: {result}).");
            }

            var rgb = ImageOrientation.RgbaToOrientedRgb(rgba, width, height, origin, out var outWidth, out var outHeight);
            return new DecodedImage(outWidth, outHeight, rgb, format);
        }
        finally
        {
            ByteBuffers.Return(rgba);
        }
    }

    private static void CheckSize(int width, int height, string format, long maxPixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageDecodeException($"The {format} header gives an empty size {width}x{height}.");
        }

        var pixels = (long)width * height;
        if (pixels > maxPixels)
        {
            throw new ImageDecodeException(
                $"The {format} header gives {width}x{height} = {pixels} pixels, over the limit of {maxPixels} "
                + "(possible decompression bomb); nothing was allocated.");
        }

        if (pixels * 4 > Array.MaxLength)
        {
            throw new ImageDecodeException(
                $"The {format} image is {width}x{height}: {pixels * 4} bytes of RGBA do not fit in one buffer.");
        }
    }

    private static (int Width, int Height) ScaledSize(SKCodec codec, int minShortSide)
    {
        var full = codec.Info;
        if (minShortSide <= 0 || codec.EncodedFormat != SKEncodedImageFormat.Jpeg)
        {
            return (full.Width, full.Height);
        }

        foreach (var scale in (ReadOnlySpan<float>)[0.125f, 0.25f, 0.5f])
        {
            var size = codec.GetScaledDimensions(scale);
            if (Math.Min(size.Width, size.Height) >= minShortSide)
            {
                return (size.Width, size.Height);
            }
        }

        return (full.Width, full.Height);
    }

    private static string Signature(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexString(bytes[..Math.Min(8, bytes.Length)]);
}
