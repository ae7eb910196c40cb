using SkiaSharp;

namespace Pipeline.Client.Demo;

/// <summary>
/// A generated corpus for the demo: pictures of mixed sizes and formats (JPEG, PNG, WebP, BMP) drawn with SkiaSharp,
/// plus a couple of corrupt files that the job must report as failures, not crash on.
/// </summary>
public static class SampleCorpus
{
    public sealed record SampleFile(string Name, byte[] Bytes, bool Corrupt);

    private static readonly (string Extension, SKEncodedImageFormat Format)[] Formats =
    [
        (".jpg", SKEncodedImageFormat.Jpeg), (".png", SKEncodedImageFormat.Png), (".jpg", SKEncodedImageFormat.Jpeg),
        (".webp", SKEncodedImageFormat.Webp), (".bmp", SKEncodedImageFormat.Bmp),
    ];

    public static IReadOnlyList<SampleFile> Generate(int images, int corrupt, int seed = 7)
    {
        var random = new Random(seed);
        var files = new List<SampleFile>(images + corrupt);
        for (int i = 0; i < images; i++)
        {
            var (extension, format) = Formats[i % Formats.Length];
            int width = random.Next(64, 900), height = random.Next(64, 900);
            var bytes = Encode(Draw(width, height, random), format);
            files.Add(new SampleFile($"img_{i:D5}{extension}", bytes, Corrupt: false));
        }
        for (int i = 0; i < corrupt; i++)
        {
            // One truncated JPEG and one file of noise with an image name.
            byte[] bytes = i % 2 == 0 ? Encode(Draw(320, 240, random), SKEncodedImageFormat.Jpeg)[..200] : RandomBytes(random, 4096);
            files.Add(new SampleFile($"corrupt_{i:D2}{(i % 2 == 0 ? ".jpg" : ".png")}", bytes, Corrupt: true));
        }
        return files;
    }

    private static SKBitmap Draw(int width, int height, Random random)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = true };
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
            [RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, paint);
        paint.Shader = null;
        for (int s = 0; s < 6; s++)
        {
            paint.Color = RandomColor(random);
            canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(8, Math.Max(9, Math.Min(width, height) / 3)), paint);
        }
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using (bitmap)
        {
            if (format == SKEncodedImageFormat.Bmp) return BmpEncoder.Encode(bitmap);
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(format, 90);
            return data.ToArray();
        }
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
