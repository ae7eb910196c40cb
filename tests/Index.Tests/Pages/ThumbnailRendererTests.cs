using Pipeline.Index.Pages;
using SkiaSharp;

namespace Pipeline.Index.Tests.Pages;

public sealed class ThumbnailRendererTests(TestImageFolder images) : IClassFixture<TestImageFolder>
{
    private readonly ThumbnailRenderer _renderer = new(size: 192, quality: 85);

    public static TheoryData<string, int, int> Sizes() => new()
    {
        { TestImageFolder.Large, 192, 128 },
        { TestImageFolder.Photo, 192, 144 },
        { TestImageFolder.Tall, 58, 192 },
        { TestImageFolder.Small, 120, 80 },
        { TestImageFolder.Rotated, 20, 60 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Thumbnail_is_a_jpeg_that_fits_the_box_with_the_aspect_kept(string path, int width, int height)
    {
        var thumbnail = _renderer.Render(images.Bytes(path));

        Assert.Null(thumbnail.Error);
        Assert.Equal((width, height), (thumbnail.Width, thumbnail.Height));
        using var codec = SKCodec.Create(new MemoryStream(JpegBytes(thumbnail)));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        Assert.Equal((width, height), (codec.Info.Width, codec.Info.Height));
    }

    [Fact]
    public void Colours_survive_the_round_trip()
    {
        var thumbnail = _renderer.Render(images.Bytes(TestImageFolder.Red));

        using var bitmap = SKBitmap.Decode(JpegBytes(thumbnail));
        var centre = bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2);
        Assert.True(
            centre.Red > 230 && centre.Green < 25 && centre.Blue < 25,
            $"A solid red image should stay red (channel order), the thumbnail's centre is {centre}.");
    }

    [Fact]
    public void Corrupt_bytes_give_a_placeholder_that_says_why()
    {
        var thumbnail = _renderer.Render(images.Bytes(TestImageFolder.Corrupt));

        Assert.True(thumbnail.IsPlaceholder);
        Assert.StartsWith("data:image/svg+xml;base64,", thumbnail.DataUri);
        Assert.StartsWith("Could not decode the image: ", thumbnail.Error);
        Assert.Equal((192, 192), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public void Empty_bytes_give_a_placeholder()
    {
        var thumbnail = _renderer.Render([]);

        Assert.True(thumbnail.IsPlaceholder);
        Assert.Contains("empty", thumbnail.Error);
    }

    [Theory]
    [InlineData(100, 50, 192, 100, 50)]
    [InlineData(192, 192, 192, 192, 192)]
    [InlineData(193, 10, 192, 192, 10)]
    [InlineData(10000, 1, 192, 192, 1)]
    [InlineData(1, 10000, 192, 1, 192)]
    [InlineData(400, 300, 100, 100, 75)]
    public void Fit_size_keeps_the_aspect_and_never_enlarges(int width, int height, int box, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), ThumbnailRenderer.FitSize(width, height, box));

    private static byte[] JpegBytes(Thumbnail thumbnail)
    {
        const string prefix = "data:image/jpeg;base64,";
        Assert.StartsWith(prefix, thumbnail.DataUri);
        return Convert.FromBase64String(thumbnail.DataUri[prefix.Length..]);
    }
}
