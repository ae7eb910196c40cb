using SkiaSharp;

namespace Pipeline.Silo.Tests.Support;

/// <summary>A corpus folder of small PNG and JPEG pictures drawn with SkiaSharp, plus corrupt files a job must report as failures.</summary>
internal static class TestCorpus
{
    /// <summary>Writes the corpus; returns the file names of the readable images.</summary>
    public static IReadOnlyList<string> Write(string folder, int images, int corrupt, int seed = 11)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var readable = new List<string>(images);
        for (var i = 0; i < images; i++)
        {
            var (name, format) = i % 2 == 0 ? ($"img_{i:D4}.png", SKEncodedImageFormat.Png) : ($"img_{i:D4}.jpg", SKEncodedImageFormat.Jpeg);
            File.WriteAllBytes(Path.Combine(folder, name), Encode(random.Next(40, 120), random.Next(40, 120), random, format));
            readable.Add(name);
        }
        for (var i = 0; i < corrupt; i++)
        {
            // Alternately a truncated JPEG and noise under a PNG name.
            var bytes = i % 2 == 0 ? Encode(96, 72, random, SKEncodedImageFormat.Jpeg)[..120] : Noise(random, 2048);
            File.WriteAllBytes(Path.Combine(folder, $"corrupt_{i:D2}{(i % 2 == 0 ? ".jpg" : ".png")}"), bytes);
        }
        return readable;
    }

    private static byte[] Encode(int width, int height, Random random, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [Color(random), Color(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            for (var s = 0; s < 4; s++)
            {
                paint.Color = Color(random);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(5, Math.Min(width, height) / 2), paint);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    private static SKColor Color(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static byte[] Noise(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
