using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using SkiaSharp;

namespace Pipeline.Index.Pages;

/// <summary>
/// Turns encoded image bytes into an embeddable JPEG thumbnail: decode with <see cref="ImageDecoder"/> (so EXIF
/// orientation is applied exactly as the embedding pipeline sees the image), scale to fit a square box keeping the
/// aspect ratio, encode JPEG with SkiaSharp. Thread-safe and stateless apart from its settings.
/// </summary>
internal sealed class ThumbnailRenderer
{
    private readonly int _size;
    private readonly int _quality;
    private readonly ImageDecoderOptions _decoderOptions;

    /// <summary>Creates a renderer for thumbnails fitting <paramref name="size"/> pixels at JPEG <paramref name="quality"/>.</summary>
    public ThumbnailRenderer(int size, int quality)
    {
        _size = size;
        _quality = quality;

        // Let libjpeg decode large JPEGs at 1/2, 1/4 or 1/8 scale as long as the short side stays at least the box: the
        // thumbnail then still comes from more pixels than it has, and a 24 MP photo costs a fraction of a full decode.
        _decoderOptions = new ImageDecoderOptions { ScaledJpegMinShortSide = size };
    }

    /// <summary>The side of the square box thumbnails fit in, in pixels; placeholders are this size.</summary>
    public int Size => _size;

    /// <summary>Renders <paramref name="encoded"/>, or returns the placeholder when it cannot be decoded.</summary>
    public Thumbnail Render(byte[] encoded)
    {
        DecodedImage image;
        try
        {
            image = ImageDecoder.Decode(encoded, _decoderOptions);
        }
        catch (ImageDecodeException e)
        {
            return ThumbnailPlaceholder.Create(_size, "Could not decode the image: " + e.Message);
        }

        var (width, height) = FitSize(image.Width, image.Height, _size);
        var rgb = width == image.Width && height == image.Height
            ? image.Rgb
            // Pillow's antialiased bicubic (its filter support widens with the scale factor), so a 20x reduction does not
            // alias the way a plain bicubic or a single bilinear tap would.
            : PillowResize.Resize(image.Rgb, image.Width, image.Height, width, height, Interpolation.Bicubic);
        return new Thumbnail("data:image/jpeg;base64," + Convert.ToBase64String(EncodeJpeg(rgb, width, height)), width, height, null);
    }

    /// <summary>The size that fits <paramref name="box"/> x <paramref name="box"/>, same aspect, never enlarged, at least 1 px.</summary>
    public static (int Width, int Height) FitSize(int width, int height, int box)
    {
        if (width <= box && height <= box)
        {
            return (width, height);
        }

        var scale = (double)box / Math.Max(width, height);
        return (
            Math.Clamp((int)Math.Round(width * scale), 1, box),
            Math.Clamp((int)Math.Round(height * scale), 1, box));
    }

    private byte[] EncodeJpeg(byte[] rgb, int width, int height)
    {
        // Skia has no 3-byte RGB colour type, so widen to RGBA with opaque alpha; the thumbnail is small, the copy cheap.
        var pixels = width * height;
        var rgba = new byte[checked(pixels * 4)];
        for (int i = 0, j = 0; i < pixels; i++, j += 3)
        {
            rgba[i * 4] = rgb[j];
            rgba[(i * 4) + 1] = rgb[j + 1];
            rgba[(i * 4) + 2] = rgb[j + 2];
            rgba[(i * 4) + 3] = 255;
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba)
            ?? throw new InvalidOperationException($"Skia could not wrap a {width}x{height} RGBA thumbnail.");
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, _quality)
            ?? throw new InvalidOperationException($"Skia could not encode a {width}x{height} thumbnail as JPEG.");
        return data.ToArray();
    }
}
