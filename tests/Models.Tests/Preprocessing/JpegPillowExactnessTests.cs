using Pipeline.Models.Preprocessing;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>
/// JPEG pixels are Pillow's bytes exactly (Fixtures/vision/jpeg and the preprocess photos: Pillow 9.4 on Debian's
/// libjpeg-turbo), through the system TurboJPEG that ./test.sh installs (and through Skia's codec, PIPELINE_JPEG=skia,
/// where only the first test fails).
/// </summary>
public sealed class JpegPillowExactnessTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "jpeg");

    public static TheoryData<string> Variants() =>
        ["baseline_420", "baseline_422", "baseline_444", "progressive_420", "restart_420", "gray", "exif_orientation_6"];

    [Fact]
    public void JpegPixelsComeFromTheSystemTurboJpeg()
    {
        Assert.True(ImageDecoder.JpegThroughTurboJpeg, $"JPEG pixels: {ImageDecoder.JpegBackend}; install Debian's libturbojpeg0 (./test.sh does)");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void JpegLayoutsDecodeToPillowsBytes(string variant)
    {
        var expected = PreprocessFixtures.PillowDecodedFile(Path.Combine(Folder, variant + ".rgb.safetensors"));
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Folder, variant + ".jpg")));

        Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
        Assert.Equal(expected.Rgb, image.Rgb);
    }

    [Theory]
    [InlineData("china")]
    [InlineData("flower")]
    public void FixturePhotosDecodeToPillowsBytes(string image)
    {
        var expected = PreprocessFixtures.PillowDecoded(image);
        var decoded = ImageDecoder.Decode(PreprocessFixtures.Jpeg(image));

        Assert.Equal((expected.Width, expected.Height), (decoded.Width, decoded.Height));
        Assert.Equal(expected.Rgb, decoded.Rgb);
    }
}
