using System.Diagnostics;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using Xunit.Abstractions;

namespace Pipeline.Models.Tests.Preprocessing;

public sealed class ImagePreprocessorTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> FixtureCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixture in (string[])[PreprocessFixtures.Timm, PreprocessFixtures.HuggingFace])
        {
            foreach (var image in PreprocessFixtures.Images)
            {
                data.Add(fixture, image);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void PillowDecodedBytesGiveTheGoldenPixelValuesExactly(string fixture, string image)
    {
        var expected = PreprocessFixtures.PixelValues(fixture, image);
        var actual = ImagePreprocessor.Preprocess(PreprocessFixtures.PillowDecoded(image), PreprocessFixtures.Config(fixture));

        var (max, mean) = PreprocessFixtures.Difference(actual, expected);
        output.WriteLine($"{fixture}/{image} from Pillow's decoded bytes: max |diff| {max:G3}, mean {mean:G3}");

        // Identical uint8 after the resize gives identical float32 (same operations); 1e-6 is far below one level (0.017).
        Assert.True(max <= 1e-6, $"expected max |diff| <= 1e-6 against {fixture}/{image}, saw {max} (mean {mean})");
    }

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void DecodedJpegGivesTheGoldenPixelValuesExactly(string fixture, string image)
    {
        var expected = PreprocessFixtures.PixelValues(fixture, image);
        var decoded = ImageDecoder.Decode(PreprocessFixtures.Jpeg(image));
        var actual = ImagePreprocessor.Preprocess(decoded, PreprocessFixtures.Config(fixture));

        var (max, mean) = PreprocessFixtures.Difference(actual, expected);
        output.WriteLine($"{fixture}/{image} from the JPEG ({ImageDecoder.JpegBackend}): max |diff| {max:G3}, mean {mean:G3} (one uint8 level is ~0.0175)");

        // The JPEG decodes to Pillow's bytes (JpegPillowExactnessTests), so the pipeline from the file is the reference's.
        Assert.True(max <= 1e-6, $"expected max |diff| <= 1e-6 from the JPEG, saw {max} (mean {mean})");
    }

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void SizesAndCropBoxMatchTheFixtureRecord(string fixture, string image)
    {
        var entry = PreprocessFixtures.ImageEntry(fixture, image);
        var config = PreprocessFixtures.Config(fixture);
        var source = entry.GetProperty("source_size_wh");
        var resizedKey = entry.TryGetProperty("resized_size_wh", out var resized) ? resized : entry.GetProperty("resized_wh");
        var crop = entry.GetProperty("crop_left_top");

        var (width, height) = ImagePreprocessor.ResizedSize(source[0].GetInt32(), source[1].GetInt32(), config.ResizeShortestEdge);
        Assert.Equal((resizedKey[0].GetInt32(), resizedKey[1].GetInt32()), (width, height));
        Assert.Equal(crop[0].GetInt32(), ImagePreprocessor.CropOffset(width, config.CropWidth, config.CropRounding));
        Assert.Equal(crop[1].GetInt32(), ImagePreprocessor.CropOffset(height, config.CropHeight, config.CropRounding));
    }

    [Theory]
    [InlineData(640, 427, 256, 383, 256)]
    [InlineData(427, 640, 256, 256, 383)]
    [InlineData(500, 500, 256, 256, 256)]
    [InlineData(1000, 3, 224, 74666, 224)]
    [InlineData(3, 7, 224, 224, 522)]
    public void ResizedSizeTruncatesTheLongSide(int width, int height, int edge, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), ImagePreprocessor.ResizedSize(width, height, edge));

    [Theory]
    [InlineData(383, 224, CropRounding.RoundHalfToEven, 80)] // 79.5 -> 80
    [InlineData(381, 224, CropRounding.RoundHalfToEven, 78)] // 78.5 -> 78
    [InlineData(383, 224, CropRounding.Floor, 79)]
    [InlineData(256, 224, CropRounding.Floor, 16)]
    [InlineData(201, 224, CropRounding.RoundHalfToEven, -11)] // torchvision pads (224 - 201) // 2 = 11 before
    [InlineData(201, 224, CropRounding.Floor, -12)]           // Hugging Face pads ceil(23 / 2) = 12 before
    public void CropOffsetFollowsEachLibrary(int size, int crop, CropRounding rounding, int expected) =>
        Assert.Equal(expected, ImagePreprocessor.CropOffset(size, crop, rounding));

    [Fact]
    public void CropLargerThanTheImageIsPaddedWithZeroPixels()
    {
        // A 4x4 image that stays 4x4 (resize to 4 is the identity), centre-cropped to 6x7 with timm's padding.
        var rgb = Enumerable.Range(0, 48).Select(i => (byte)(10 + i)).ToArray();
        var config = new PreprocessConfig(4, 6, 7, Interpolation.Bicubic, [0f, 0f, 0f], [1f, 1f, 1f], CropRounding.RoundHalfToEven);
        var result = ImagePreprocessor.Preprocess(new DecodedImage(4, 4, rgb), config);

        // Rows: pad (6-4)//2 = 1 before; columns: (7-4)//2 = 1 before.
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 6; y++)
            {
                for (var x = 0; x < 7; x++)
                {
                    int sy = y - 1, sx = x - 1;
                    var inside = sy is >= 0 and < 4 && sx is >= 0 and < 4;
                    var expected = inside ? rgb[((sy * 4) + sx) * 3 + c] / 255f : 0f;
                    Assert.True(expected == result[(c * 42) + (y * 7) + x], $"channel {c} ({x},{y}): expected {expected}, saw {result[(c * 42) + (y * 7) + x]}");
                }
            }
        }
    }

    [Fact]
    public void NormalisationIsFloat32DivideThenSubtractThenDivide()
    {
        // One pixel resized to itself: the output is the normalised byte, computed the way torchvision does.
        var image = new DecodedImage(1, 1, [0, 128, 255]);
        var config = new PreprocessConfig(1, 1, 1, Interpolation.Bilinear, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd, CropRounding.Floor);
        var result = ImagePreprocessor.Preprocess(image, config);
        for (var c = 0; c < 3; c++)
        {
            var x = (float)image.Rgb[c] / 255f;
            Assert.Equal((x - PreprocessConfig.ImageNetMean[c]) / PreprocessConfig.ImageNetStd[c], result[c]);
        }
    }

    [Fact]
    public void HuggingFaceFloat64RescaleEqualsTheFloat32DivideForEveryByte()
    {
        // The preprocessor uses one rescale for both libraries; this is the fact that makes that exact.
        for (var v = 0; v < 256; v++)
        {
            var torchvision = (float)v / 255f;
            var huggingFace = (float)(v * (1.0 / 255));
            Assert.True(torchvision == huggingFace, $"byte {v}: float32 divide {torchvision:R}, float64 rescale {huggingFace:R}");
        }
    }

    [Fact]
    public void WrongDestinationLengthIsRejected()
    {
        var image = new DecodedImage(2, 2, new byte[12]);
        var config = PreprocessFixtures.Config(PreprocessFixtures.Timm);
        var error = Assert.Throws<ArgumentException>(() => ImagePreprocessor.Preprocess(image, config, new float[10]));
        Assert.Contains("150528", error.Message);
    }

    [Fact]
    [Trait("Category", "Slow")] // a timing measurement: kept out of the default run, not slow in itself (~6 s)
    public void MeasuresDecodePlusPreprocessThroughputOnOneThread()
    {
        var jpeg = PreprocessFixtures.Jpeg("china");
        var config = PreprocessFixtures.Config(PreprocessFixtures.Timm);
        var destination = new float[3 * 224 * 224];
        for (var i = 0; i < 20; i++)
        {
            ImagePreprocessor.Preprocess(ImageDecoder.Decode(jpeg), config, destination);
        }

        // CPU time of this process as well as wall time: the machine is shared, and CPU time is what a worker core pays.
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var decodeTime = TimeSpan.Zero;
        var wall = Stopwatch.StartNew();
        var count = 0;
        while (wall.Elapsed < TimeSpan.FromSeconds(5))
        {
            var start = wall.Elapsed;
            var image = ImageDecoder.Decode(jpeg);
            decodeTime += wall.Elapsed - start;
            ImagePreprocessor.Preprocess(image, config, destination);
            count++;
        }

        var seconds = wall.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        output.WriteLine(
            $"640x427 JPEG -> 224x224 (timm bicubic), one thread: {count / seconds:F0} images/s wall, {count / cpuSeconds:F0} per CPU-second; "
            + $"decode {decodeTime.TotalMilliseconds / count:F2} ms, preprocess {((seconds * 1000) - decodeTime.TotalMilliseconds) / count:F2} ms per image (wall)");
        Assert.True(count / cpuSeconds > 20, $"expected more than 20 images per CPU-second, saw {count / cpuSeconds:F1}");
    }
}
