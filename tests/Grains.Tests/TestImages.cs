using SkiaSharp;

namespace Pipeline.Grains.Tests;

/// <summary>Small generated images for job tests.</summary>
public static class TestImages
{
    public static byte[] Encode(int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = new SKColor((byte)(255 - color.Red), color.Green, (byte)(255 - color.Blue)) };
            canvas.DrawCircle(width / 3f, height / 2f, Math.Min(width, height) / 4f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
