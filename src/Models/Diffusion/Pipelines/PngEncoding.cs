using SkiaSharp;

namespace Pipeline.Models.Diffusion.Pipelines;

/// <summary>
/// Generated images as PNG files through SkiaSharp (libpng inside), lossless, so a PNG read back gives the bytes diffusers
/// would have handed to PIL. The encoder is deterministic: the same pixels give the same file.
/// </summary>
public static class PngEncoding
{
    public static byte[] Encode(GeneratedImage image)
    {
        int pixels = image.Width * image.Height;
        if (image.Rgb.Length != pixels * 3)
            throw new ArgumentException($"image of {image.Width}x{image.Height} needs {pixels * 3} RGB bytes, has {image.Rgb.Length}", nameof(image));
        // Skia has no 24-bit colour type: RGBA with opaque alpha, which its PNG encoder writes as an RGB image.
        var rgba = new byte[pixels * 4];
        for (int i = 0, o = 0; i < image.Rgb.Length; i += 3, o += 4)
        {
            rgba[o] = image.Rgb[i];
            rgba[o + 1] = image.Rgb[i + 1];
            rgba[o + 2] = image.Rgb[i + 2];
            rgba[o + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var skImage = SKImage.FromPixelCopy(info, rgba, info.RowBytes)
            ?? throw new InvalidOperationException($"Skia could not wrap a {image.Width}x{image.Height} image");
        using var data = skImage.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"Skia could not encode a {image.Width}x{image.Height} PNG");
        return data.ToArray();
    }
}
