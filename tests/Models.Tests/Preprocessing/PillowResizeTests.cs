using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Tests.Preprocessing;

public sealed class PillowResizeTests
{
    [Fact]
    public void BicubicDownscaleOfTheFixturePhotoMatchesTimmThroughTheCrop()
    {
        // The fixture pixels are exact only if the resize bytes are; this checks the full (uncropped) resize path
        // against the region path on a real photo.
        var image = PreprocessFixtures.PillowDecoded("china");
        var full = PillowResize.Resize(image.Rgb, image.Width, image.Height, 383, 256, Interpolation.Bicubic);
        var region = new byte[224 * 224 * 3];
        PillowResize.ResizeRegion(image.Rgb, image.Width, image.Height, 383, 256, Interpolation.Bicubic, 80, 16, 224, 224, region);
        AssertRegionEqualsCrop(full, 383, region, 80, 16, 224, 224);
    }

    [Theory]
    [InlineData(37, 23, 11, 9, Interpolation.Bicubic)]
    [InlineData(37, 23, 80, 50, Interpolation.Bicubic)]
    [InlineData(37, 23, 37, 9, Interpolation.Bicubic)] // vertical pass only
    [InlineData(37, 23, 12, 23, Interpolation.Bilinear)] // horizontal pass only
    [InlineData(64, 40, 17, 100, Interpolation.Bilinear)]
    [InlineData(5, 300, 9, 31, Interpolation.Bicubic)]
    public void EveryRegionEqualsTheCropOfTheFullResize(int width, int height, int newWidth, int newHeight, Interpolation filter)
    {
        var random = new Random(width * 1000 + height);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        var full = PillowResize.Resize(rgb, width, height, newWidth, newHeight, filter);
        for (var trial = 0; trial < 20; trial++)
        {
            var left = random.Next(newWidth);
            var top = random.Next(newHeight);
            var regionWidth = random.Next(1, newWidth - left + 1);
            var regionHeight = random.Next(1, newHeight - top + 1);
            var region = new byte[regionWidth * regionHeight * 3];
            PillowResize.ResizeRegion(rgb, width, height, newWidth, newHeight, filter, left, top, regionWidth, regionHeight, region);
            AssertRegionEqualsCrop(full, newWidth, region, left, top, regionWidth, regionHeight);
        }
    }

    [Theory]
    [InlineData(640, 427, 383, 256, Interpolation.Bicubic)]
    [InlineData(50, 31, 129, 77, Interpolation.Bicubic)]
    [InlineData(50, 31, 19, 64, Interpolation.Bilinear)]
    [InlineData(50, 31, 200, 7, Interpolation.Bilinear)]
    public void MatchesAStraightPortOfPillowsTwoPasses(int width, int height, int newWidth, int newHeight, Interpolation filter)
    {
        var rgb = new byte[width * height * 3];
        new Random(newWidth).NextBytes(rgb);
        var expected = NaivePillow(rgb, width, height, newWidth, newHeight, filter);
        var actual = PillowResize.Resize(rgb, width, height, newWidth, newHeight, filter);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"byte {i} of {newWidth}x{newHeight}: expected {expected[i]}, saw {actual[i]}");
        }
    }

    [Theory]
    [InlineData(Interpolation.Bicubic)]
    [InlineData(Interpolation.Bilinear)]
    public void FlatImageStaysFlatAndSameSizeIsACopy(Interpolation filter)
    {
        var flat = Enumerable.Repeat(new byte[] { 7, 130, 251 }, 30 * 20).SelectMany(p => p).ToArray();
        var resized = PillowResize.Resize(flat, 30, 20, 13, 47, filter);
        for (var i = 0; i < resized.Length; i++)
        {
            Assert.True(resized[i] == flat[i % 3], $"byte {i}: expected {flat[i % 3]}, saw {resized[i]}");
        }

        var random = new byte[30 * 20 * 3];
        new Random(1).NextBytes(random);
        Assert.Equal(random, PillowResize.Resize(random, 30, 20, 30, 20, filter));
    }

    [Fact]
    public void BilinearHalvingMatchesHandComputedPillowWeights()
    {
        // 4 -> 2 pixels, scale 2: support 2, centre 1.0 for output 0; input pixels 0..2 get filter(-0.25, 0.25, 0.75)
        // = 0.75, 0.75, 0.25 (sum 1.75). Output 1 (centre 3.0) uses pixels 1..3 with 0.25, 0.75, 0.75.
        byte[] row = [0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255];
        var resized = PillowResize.Resize(row, 4, 1, 2, 1, Interpolation.Bilinear);
        var first = Fixed(0, 0.75 / 1.75) + Fixed(100, 0.75 / 1.75) + Fixed(200, 0.25 / 1.75);
        var second = Fixed(100, 0.25 / 1.75) + Fixed(200, 0.75 / 1.75) + Fixed(255, 0.75 / 1.75);
        Assert.Equal((first + (1 << 21)) >> 22, resized[0]); // 125 / 1.75 = 71.4 -> 71
        Assert.Equal((second + (1 << 21)) >> 22, resized[3]); // (25 + 150 + 191.25) / 1.75 = 209.3 -> 209
        Assert.Equal([71, 71, 71, 209, 209, 209], resized);
    }

    [Fact]
    public void BicubicOvershootIsClampedToTheByteRange()
    {
        // A hard edge upsampled with the a = -0.5 cubic rings below 0 and above 255 before clamping.
        byte[] row = [0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255];
        var resized = PillowResize.Resize(row, 4, 1, 16, 1, Interpolation.Bicubic);
        Assert.Contains(resized, b => b == 0);
        Assert.Contains(resized, b => b == 255);
        Assert.True(resized.Take(3 * 6).All(b => b == 0), "expected the undershoot left of the edge to clamp to 0");
    }

    [Fact]
    public void RegionOutsideTheOutputIsRejected()
    {
        var rgb = new byte[10 * 10 * 3];
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => PillowResize.ResizeRegion(rgb, 10, 10, 5, 5, Interpolation.Bicubic, 3, 0, 3, 5, new byte[3 * 5 * 3]));
        Assert.Contains("5x5", error.Message);
    }

    /// <summary>
    /// Pillow's resample written the plain way (whole image, scalar, a full intermediate), as a second port that the
    /// optimised region/SIMD code must agree with byte for byte.
    /// </summary>
    private static byte[] NaivePillow(byte[] rgb, int width, int height, int newWidth, int newHeight, Interpolation filter)
    {
        var temp = newWidth == width ? rgb : Pass(rgb, width, height, newWidth, filter, horizontal: true);
        return newHeight == height ? temp : Pass(temp, newWidth, height, newHeight, filter, horizontal: false);
    }

    private static byte[] Pass(byte[] image, int width, int height, int newSize, Interpolation filter, bool horizontal)
    {
        var inSize = horizontal ? width : height;
        var support = filter == Interpolation.Bicubic ? 2.0 : 1.0;
        var scale = (double)inSize / newSize;
        var filterScale = Math.Max(scale, 1.0);
        var outWidth = horizontal ? newSize : width;
        var outHeight = horizontal ? height : newSize;
        var result = new byte[outWidth * outHeight * 3];
        for (var o = 0; o < newSize; o++)
        {
            var center = (o + 0.5) * scale;
            var lo = Math.Max((int)(center - (support * filterScale) + 0.5), 0);
            var hi = Math.Min((int)(center + (support * filterScale) + 0.5), inSize);
            var w = new double[hi - lo];
            for (var j = lo; j < hi; j++)
            {
                var x = Math.Abs((j - center + 0.5) / filterScale);
                w[j - lo] = filter == Interpolation.Bilinear
                    ? Math.Max(0, 1 - x)
                    : x < 1 ? ((1.5 * x) - 2.5) * x * x + 1 : x < 2 ? ((((x - 5) * x) + 8) * x - 4) * -0.5 : 0;
            }

            var total = w.Sum();
            var fixedWeights = w.Select(v => (int)Math.Round(v / total * (1 << 22), MidpointRounding.AwayFromZero)).ToArray();
            var lines = horizontal ? height : width;
            for (var line = 0; line < lines; line++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 1 << 21;
                    for (var j = lo; j < hi; j++)
                    {
                        var index = horizontal ? (line * width) + j : (j * width) + line;
                        sum += image[(index * 3) + c] * fixedWeights[j - lo];
                    }

                    var outIndex = horizontal ? (line * outWidth) + o : (o * outWidth) + line;
                    result[(outIndex * 3) + c] = (byte)Math.Clamp(sum >> 22, 0, 255);
                }
            }
        }

        return result;
    }

    private static int Fixed(int value, double weight) => value * (int)(0.5 + (weight * (1 << 22)));

    private static void AssertRegionEqualsCrop(byte[] full, int fullWidth, byte[] region, int left, int top, int width, int height)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width * 3; x++)
            {
                var expected = full[((top + y) * fullWidth * 3) + (left * 3) + x];
                var seen = region[(y * width * 3) + x];
                Assert.True(expected == seen, $"region ({left},{top}) {width}x{height}, row {y} byte {x}: expected {expected}, saw {seen}");
            }
        }
    }
}
