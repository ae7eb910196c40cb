using Pipeline.Models.Preprocessing;
using SkiaSharp;

namespace Pipeline.Models.Tests.Preprocessing;

public sealed class ImageDecoderTests
{
    private static readonly byte[] Red = [255, 0, 0], Green = [0, 255, 0], Blue = [0, 0, 255], White = [255, 255, 255];

    public static TheoryData<string> Formats() => ["png", "jpeg", "webp-lossless", "webp-lossy", "bmp", "gif"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryFormatDecodesToRgb(string format)
    {
        var rgb = Quadrants(32, 24);
        var encoded = format switch
        {
            "png" => SkiaEncode(32, 24, rgb, p => p.Encode(new SKPngEncoderOptions())),
            "jpeg" => SkiaEncode(32, 24, rgb, p => p.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))),
            "webp-lossless" => SkiaEncode(32, 24, rgb, p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))),
            "webp-lossy" => SkiaEncode(32, 24, rgb, p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, 95))),
            "bmp" => BmpGifFiles.Bmp(32, 24, rgb),
            "gif" => BmpGifFiles.Gif(32, 24, Palette(), ToIndices(rgb)),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        var image = ImageDecoder.Decode(encoded);

        Assert.Equal((32, 24), (image.Width, image.Height));
        Assert.Equal(32 * 24 * 3, image.Rgb.Length);
        if (format is "jpeg" or "webp-lossy")
        {
            AssertQuadrants(image, Red, Green, Blue, White, tolerance: 40);
        }
        else
        {
            Assert.Equal(rgb, image.Rgb);
        }
    }

    [Fact]
    public void GifGivesTheFirstFrame()
    {
        var first = Enumerable.Repeat((byte)1, 16 * 8).ToArray();
        var second = Enumerable.Repeat((byte)2, 16 * 8).ToArray();
        var image = ImageDecoder.Decode(BmpGifFiles.Gif(16, 8, Palette(), first, second));
        Assert.Equal("gif", image.Format);
        Assert.All(Pixels(image), p => Assert.Equal(Red, p));
    }

    [Fact]
    public void GrayscalePngIsReplicatedToThreeEqualChannels()
    {
        var gray = Enumerable.Range(0, 16 * 16).Select(i => (byte)i).ToArray();
        var image = ImageDecoder.Decode(PngFiles.Encode(16, 16, 8, 0, gray));
        for (var i = 0; i < gray.Length; i++)
        {
            Assert.Equal([gray[i], gray[i], gray[i]], image.Rgb.AsSpan(i * 3, 3).ToArray());
        }
    }

    [Fact]
    public void RgbaPngDropsAlphaWithoutCompositing()
    {
        // Fully transparent, half transparent and opaque pixels: all keep their stored colour (no black or white matte).
        byte[] rgba = [200, 100, 50, 0, 10, 220, 30, 128, 1, 2, 3, 255, 250, 251, 252, 0];
        var image = ImageDecoder.Decode(PngFiles.Encode(2, 2, 8, 6, rgba));
        Assert.Equal(new byte[] { 200, 100, 50, 10, 220, 30, 1, 2, 3, 250, 251, 252 }, image.Rgb);
    }

    [Fact]
    public void GrayAlphaPngDropsAlpha()
    {
        byte[] grayAlpha = [77, 0, 180, 255];
        var image = ImageDecoder.Decode(PngFiles.Encode(2, 1, 8, 4, grayAlpha));
        Assert.Equal(new byte[] { 77, 77, 77, 180, 180, 180 }, image.Rgb);
    }

    [Fact]
    public void PalettePngWithTransparencyGivesThePaletteColours()
    {
        byte[] palette = [10, 20, 30, 40, 50, 60, 70, 80, 90];
        byte[] indices = [0, 1, 2, 1];
        var image = ImageDecoder.Decode(PngFiles.Encode(4, 1, 8, 3, indices, palette, transparency: [0, 128]));
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 40, 50, 60 }, image.Rgb);
    }

    [Theory]
    [InlineData(2)] // RGB, 16 bits per sample
    [InlineData(0)] // gray, 16 bits
    public void SixteenBitPngGivesTheHighByte(int colorType)
    {
        // The high byte is what Pillow's RGB;16B unpacker keeps for 16-bit RGB. (Pillow opens 16-bit gray as I;16,
        // whose convert("RGB") clips values to 255 instead; the decoder deliberately gives the high byte there too.)
        // 0x12FF and 0x00FF tell truncation apart from rounding (round(v / 257) would give 19 and 1).
        ushort[] samples = [0x0000, 0x12FF, 0x7F40, 0xABCD, 0xFFFF, 0x00FF];
        var channels = colorType == 2 ? 3 : 1;
        var pixels = samples.Length / channels;
        var rows = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            rows[2 * i] = (byte)(samples[i] >> 8);
            rows[(2 * i) + 1] = (byte)samples[i];
        }

        var image = ImageDecoder.Decode(PngFiles.Encode(pixels, 1, 16, colorType, rows));
        Assert.Equal((pixels, 1), (image.Width, image.Height));
        for (var p = 0; p < pixels; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                var sample = samples[(p * channels) + (channels == 3 ? c : 0)];
                var seen = image.Rgb[(p * 3) + c];
                Assert.True(seen == sample >> 8, $"pixel {p} channel {c}: 16-bit {sample:X4} expected {sample >> 8}, saw {seen}");
            }
        }
    }

    [Fact]
    public void CmykJpegIsConvertedLikeAdobeInvertedCmyk()
    {
        // Stored (inverted) C, M, Y, K = 200, 100, 50, 128: Pillow's CMYK;I -> RGB gives stored * K / 255 per channel.
        var image = ImageDecoder.Decode(JpegFiles.FlatCmyk(16, 8, 200, 100, 50, 128));
        Assert.Equal((16, 8), (image.Width, image.Height));
        byte[] expected = [200 * 128 / 255, 100 * 128 / 255, 50 * 128 / 255];
        Assert.All(Pixels(image), p => AssertClose(expected, p, 2, "CMYK pixel"));
    }

    [Theory]
    [InlineData(1, 64, 32, 0, 1, 2, 3)]
    [InlineData(2, 64, 32, 1, 0, 3, 2)]
    [InlineData(3, 64, 32, 3, 2, 1, 0)]
    [InlineData(4, 64, 32, 2, 3, 0, 1)]
    [InlineData(5, 32, 64, 0, 2, 1, 3)]
    [InlineData(6, 32, 64, 2, 0, 3, 1)]
    [InlineData(7, 32, 64, 3, 1, 2, 0)]
    [InlineData(8, 32, 64, 1, 3, 0, 2)]
    public void ExifOrientationIsApplied(int orientation, int width, int height, int topLeft, int topRight, int bottomLeft, int bottomRight)
    {
        // Stored 64x32 with quadrants red, green (top) / blue, white (bottom); the expected display follows the EXIF
        // definitions of which stored side is the visual top and left (quadrant numbers index that list).
        var stored = SkiaEncode(64, 32, Quadrants(64, 32), p => p.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)));
        var image = ImageDecoder.Decode(JpegFiles.WithExifOrientation(stored, orientation));

        Assert.Equal((width, height), (image.Width, image.Height));
        byte[][] colours = [Red, Green, Blue, White];
        AssertQuadrants(image, colours[topLeft], colours[topRight], colours[bottomLeft], colours[bottomRight], tolerance: 40);
    }

    [Fact]
    public void ExifOrientationCanBeIgnored()
    {
        var stored = SkiaEncode(64, 32, Quadrants(64, 32), p => p.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)));
        var image = ImageDecoder.Decode(JpegFiles.WithExifOrientation(stored, 6), new ImageDecoderOptions { ApplyExifOrientation = false });
        Assert.Equal((64, 32), (image.Width, image.Height));
        AssertQuadrants(image, Red, Green, Blue, White, tolerance: 40);
    }

    [Fact]
    public void ZeroBytesAreRefused()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([]));
        Assert.Equal("decode", error.Stage);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void RandomBytesAreRefused()
    {
        var noise = new byte[4096];
        new Random(42).NextBytes(noise);
        noise[0] = 0x00; // no accidental magic number
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(noise));
        Assert.Contains("Not a decodable image", error.Message);
    }

    [Fact]
    public void TruncatedJpegHeaderIsRefused()
    {
        var jpeg = PreprocessFixtures.Jpeg("china");
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, 40)));
        Assert.Equal("decode", error.Stage);
    }

    [Fact]
    public void TruncatedJpegDataIsRefusedUnlessAllowed()
    {
        var half = PreprocessFixtures.Jpeg("china").AsSpan(0, 60_000).ToArray();
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(half));
        Assert.Contains("truncated", error.Message);

        var partial = ImageDecoder.Decode(half, new ImageDecoderOptions { AllowTruncated = true });
        Assert.Equal((640, 427), (partial.Width, partial.Height));
    }

    [Fact]
    public void DecompressionBombIsRefusedFromTheHeaderWithoutAllocating()
    {
        var forged = PngFiles.ForgedHeader(100_000, 100_000);
        Assert.Equal(2, ImageDecoder.Decode(PngFiles.Encode(2, 2, 8, 0, new byte[4])).Width); // load the native library first

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(forged));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("100000x100000", error.Message);
        Assert.Contains("over the limit of 178956970", error.Message);
        Assert.True(allocated < 1_000_000, $"expected no pixel buffer (< 1 MB managed allocation), saw {allocated} bytes");
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        var png = PngFiles.Encode(64, 64, 8, 0, new byte[64 * 64]);
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new ImageDecoderOptions { MaxPixels = 4095 }));
        Assert.Equal(64, ImageDecoder.Decode(png, new ImageDecoderOptions { MaxPixels = 4096 }).Width);
    }

    [Fact]
    public void ImageAboveThePooledBufferSizeDecodes()
    {
        // 3000 x 3000 needs 36 MB of RGBA, above the 32 MiB pooled-buffer limit: the unpooled path must give the same pixels.
        var gray = new byte[3000 * 3000];
        gray[0] = 9;
        gray[^1] = 200;
        var image = ImageDecoder.Decode(PngFiles.Encode(3000, 3000, 8, 0, gray));
        Assert.Equal((3000, 3000), (image.Width, image.Height));
        Assert.Equal(new byte[] { 9, 9, 9 }, image.Rgb[..3]);
        Assert.Equal(new byte[] { 200, 200, 200 }, image.Rgb[^3..]);
        Assert.Equal(0, image.Rgb[4500]);
    }

    [Fact]
    public void ScaledJpegDecodeIsOptInAndKeepsTheShortSideAboveTheTarget()
    {
        var jpeg = PreprocessFixtures.Jpeg("china");
        Assert.Equal(640, ImageDecoder.Decode(jpeg).Width);

        var scaled = ImageDecoder.Decode(jpeg, new ImageDecoderOptions { ScaledJpegMinShortSide = 200 });
        Assert.Equal(320, scaled.Width);
        Assert.True(scaled.Height >= 200 && scaled.Height <= 214, $"expected a 1/2-scale height of 213 or 214, saw {scaled.Height}");

        var notEnough = ImageDecoder.Decode(jpeg, new ImageDecoderOptions { ScaledJpegMinShortSide = 256 });
        Assert.Equal(640, notEnough.Width);
    }

    internal static byte[] Quadrants(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = (y < height / 2, x < width / 2) switch
                {
                    (true, true) => Red,
                    (true, false) => Green,
                    (false, true) => Blue,
                    _ => White,
                };
                colour.CopyTo(rgb, ((y * width) + x) * 3);
            }
        }

        return rgb;
    }

    private static byte[] SkiaEncode(int width, int height, byte[] rgb, Func<SKPixmap, SKData?> encode)
    {
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            rgb.AsSpan(i * 3, 3).CopyTo(rgba.AsSpan(i * 4));
            rgba[(i * 4) + 3] = 255;
        }

        using var image = SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba);
        using var pixmap = image.PeekPixels();
        using var data = encode(pixmap) ?? throw new InvalidOperationException("SkiaSharp could not encode the test image.");
        return data.ToArray();
    }

    private static byte[] Palette()
    {
        var palette = new byte[768];
        Red.CopyTo(palette, 3);
        Green.CopyTo(palette, 6);
        Blue.CopyTo(palette, 9);
        White.CopyTo(palette, 12);
        return palette;
    }

    private static byte[] ToIndices(byte[] rgb) =>
        Enumerable.Range(0, rgb.Length / 3).Select(i => rgb[i * 3] == 255
            ? (byte)(rgb[(i * 3) + 1] == 255 ? 4 : 1)
            : (byte)(rgb[(i * 3) + 1] == 255 ? 2 : 3)).ToArray();

    private static IEnumerable<byte[]> Pixels(DecodedImage image) =>
        Enumerable.Range(0, image.Width * image.Height).Select(i => image.Rgb.AsSpan(i * 3, 3).ToArray());

    private static void AssertQuadrants(DecodedImage image, byte[] topLeft, byte[] topRight, byte[] bottomLeft, byte[] bottomRight, int tolerance)
    {
        int w = image.Width, h = image.Height;
        AssertClose(topLeft, At(image, w / 4, h / 4), tolerance, "top-left quadrant");
        AssertClose(topRight, At(image, 3 * w / 4, h / 4), tolerance, "top-right quadrant");
        AssertClose(bottomLeft, At(image, w / 4, 3 * h / 4), tolerance, "bottom-left quadrant");
        AssertClose(bottomRight, At(image, 3 * w / 4, 3 * h / 4), tolerance, "bottom-right quadrant");
    }

    private static byte[] At(DecodedImage image, int x, int y) => image.Rgb.AsSpan(((y * image.Width) + x) * 3, 3).ToArray();

    private static void AssertClose(byte[] expected, byte[] seen, int tolerance, string what) =>
        Assert.True(
            expected.Zip(seen).All(p => Math.Abs(p.First - p.Second) <= tolerance),
            $"{what}: expected RGB ({string.Join(",", expected)}) within {tolerance}, saw ({string.Join(",", seen)})");
}
