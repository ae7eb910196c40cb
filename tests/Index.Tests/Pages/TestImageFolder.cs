using SkiaSharp;

namespace Pipeline.Index.Tests.Pages;

/// <summary>
/// A temp folder of images drawn with SkiaSharp, deleted on dispose: JPEG, PNG, a large JPEG, a tall PNG, a JPEG with
/// an EXIF rotation, a corrupt (truncated) JPEG, and a real image whose relative path is a script tag. Page records
/// name images by these relative paths; <see cref="Source"/> reads them.
/// </summary>
public sealed class TestImageFolder : IDisposable
{
    /// <summary>320x240 JPEG.</summary>
    public const string Photo = "photo.jpg";

    /// <summary>120x80 PNG, smaller than the thumbnail box.</summary>
    public const string Small = "small.png";

    /// <summary>3000x2000 JPEG.</summary>
    public const string Large = "large.jpg";

    /// <summary>90x300 PNG.</summary>
    public const string Tall = "tall.png";

    /// <summary>60x20 JPEG stored landscape with EXIF orientation 6 (rotate 90 degrees clockwise): shown 20x60.</summary>
    public const string Rotated = "rotated.jpg";

    /// <summary>200x200 solid red PNG, for checking channel order.</summary>
    public const string Red = "red.png";

    /// <summary>The first 300 bytes of a JPEG: the header is there, the pixels are not.</summary>
    public const string Corrupt = "corrupt.jpg";

    /// <summary>A valid 64x64 PNG whose path would inject a script if it were not escaped ('/' makes a sub-folder).</summary>
    public const string ScriptPath = "<script>alert(1)</script>.jpg";

    /// <summary>A valid 64x48 PNG whose name has both quote kinds and an ampersand.</summary>
    public const string QuotePath = "a \"quoted\" & 'single' name.png";

    /// <summary>Creates the folder and all images in it.</summary>
    public TestImageFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "pipeline-pages-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Write(Photo, Gradient(320, 240, SKEncodedImageFormat.Jpeg));
        Write(Small, Gradient(120, 80, SKEncodedImageFormat.Png));
        Write(Large, Gradient(3000, 2000, SKEncodedImageFormat.Jpeg));
        Write(Tall, Gradient(90, 300, SKEncodedImageFormat.Png));
        Write(Rotated, WithExifOrientation(Gradient(60, 20, SKEncodedImageFormat.Jpeg), orientation: 6));
        Write(Red, Solid(200, 200, SKColors.Red, SKEncodedImageFormat.Png));
        Write(Corrupt, Gradient(320, 240, SKEncodedImageFormat.Jpeg)[..300]);
        Write(ScriptPath, Gradient(64, 64, SKEncodedImageFormat.Png));
        Write(QuotePath, Gradient(64, 48, SKEncodedImageFormat.Png));
    }

    /// <summary>The folder's absolute path.</summary>
    public string Root { get; }

    /// <summary>Reads an image by its relative path, as the CLI's file source would.</summary>
    public Task<byte[]> Source(string imagePath, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(Path.Combine(Root, imagePath), cancellationToken);

    /// <summary>The bytes of an image by its relative path.</summary>
    public byte[] Bytes(string imagePath) => File.ReadAllBytes(Path.Combine(Root, imagePath));

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Root, recursive: true);

    private void Write(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Gradient(int width, int height, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var paint = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width, height), [SKColors.SteelBlue, SKColors.Orange], SKShaderTileMode.Clamp),
        };
        surface.Canvas.DrawRect(0, 0, width, height, paint);
        return Encode(surface, format);
    }

    private static byte[] Solid(int width, int height, SKColor color, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(color);
        return Encode(surface, format);
    }

    private static byte[] Encode(SKSurface surface, SKEncodedImageFormat format)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    private static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        // Skia writes no EXIF, so splice a minimal APP1 segment after SOI: "Exif\0\0", a big-endian TIFF header and one
        // IFD entry 0x0112 (Orientation, SHORT, count 1). 34 = 2 length bytes + 32 payload bytes.
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 0x22,
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01,
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }
}
