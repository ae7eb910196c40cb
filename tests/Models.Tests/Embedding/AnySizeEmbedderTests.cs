using System.Text.Json.Nodes;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Tests.Loading;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Embedding;

/// <summary>
/// DINOv2 at any input size, end to end from a model folder: preprocessing, the patch grid, the per-grid position
/// table and the tokens, against timm 1.0.28 (timm Hub folders with dynamic_img_size) and transformers' behaviour
/// (a preprocessor_config.json with do_resize and do_center_crop false).
/// </summary>
public sealed class AnySizeEmbedderTests(ITestOutputHelper output) : IDisposable
{
    private const double FeatureTolerance = 1e-5;
    private const double PixelTolerance = 1e-6;

    private readonly ModelFolderBuilder folders = new();

    public void Dispose() => folders.Dispose();

    public static TheoryData<string, string> HuggingFaceCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixtureCase in new[] { "dinov2_tiny", "dinov2_reg_tiny" })
        {
            foreach (var size in new[] { "70x84", "56x98", "61x75" })
            {
                data.Add(fixtureCase, size);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HuggingFaceCases))]
    public void AHuggingFaceFolderWithoutResizeOrCropEmbedsEachImageAtItsOwnSizeAsTransformersDoes(string fixtureCase, string size)
    {
        var goldens = AnySizeFixtures.Goldens();
        try
        {
            var model = ModelResolver.Resolve(folders.HuggingFaceFolder(fixtureCase, AnySizeFixtures.NativeSizeProcessor()), weights: null);
            Assert.False(model.Geometry.FixedSize, "do_center_crop false: expected a variable-size geometry");
            using var embedder = ImageEmbedder.Load(model, 0, patchTokens: true);
            var image = AnySizeFixtures.Image(goldens[$"image_{size}"]);
            var expectedPixels = goldens[$"hf_pixels_{size}"];
            var expected = goldens[$"hf_{fixtureCase}_{size}_features"];

            // The model sees whole patches only: transformers' convolution drops the rest, so cutting it is exact.
            var (height, width) = embedder.InputSize(image);
            Assert.True((height, width) == (image.Height / 14 * 14, image.Width / 14 * 14),
                $"input size: expected {image.Height / 14 * 14}x{image.Width / 14 * 14}, seen {height}x{width}");
            var pixels = new float[3 * height * width];
            embedder.PreprocessImage(image, pixels);
            using var cut = expectedPixels.narrow(2, 0, height).narrow(3, 0, width);
            var pixelDiff = AnySizeFixtures.MaxAbsDiff(pixels, AnySizeFixtures.Floats(cut), "pixels");
            Assert.True(pixelDiff <= PixelTolerance, $"{size} pixels: expected max |diff| <= {PixelTolerance:G3}, seen {pixelDiff:G3}");

            AssertEmbedding(embedder, pixels, height, width, expected, embedder.PatchGrid(height, width), $"HF {fixtureCase} {size}");
        }
        finally
        {
            foreach (var t in goldens.Values) t.Dispose();
        }
    }

    public static TheoryData<string, int, int, double, string, bool> TimmCases() => new()
    {
        { "dinov2_tiny", 70, 84, 0.875, "center", false },
        { "dinov2_reg_tiny", 70, 84, 0.875, "center", false },
        { "dinov2_reg_tiny", 56, 98, 1.0, "squash", false },
        { "dinov2_tiny", 61, 75, 1.0, "center", true },
    };

    [Theory]
    [MemberData(nameof(TimmCases))]
    public void ATimmFolderWithDynamicImgSizeAndANonSquareInputSizeMatchesTimm(string fixtureCase, int height, int width, double cropPct, string cropMode, bool pad)
    {
        var goldens = AnySizeFixtures.Goldens();
        try
        {
            var extra = new JsonObject { ["dynamic_img_size"] = true };
            if (pad) extra["dynamic_img_pad"] = true;
            var folder = AnySizeFixtures.TimmFolder(folders, fixtureCase, AnySizeFixtures.PretrainedCfg(height, width, cropPct, cropMode), extra);
            var model = ModelResolver.Resolve(folder, weights: null);
            Assert.True(model.Geometry.FixedSize, "a timm input_size: expected one size for every image");
            using var embedder = ImageEmbedder.Load(model, 0, patchTokens: true);
            Assert.Equal(3 * height * width, embedder.PixelsPerImage);
            var grid = embedder.PatchGrid(height, width);
            var expectedGrid = pad ? ((height + 13) / 14, (width + 13) / 14) : (height / 14, width / 14);
            Assert.True(grid == expectedGrid, $"grid: expected {expectedGrid}, seen {grid}");
            Assert.Equal(grid.Height * grid.Width, embedder.PatchTokenCount);

            foreach (var photo in new[] { "china", "flower" })
            {
                var key = $"timm_{fixtureCase}_{height}x{width}_{cropMode}_{photo}";
                var image = AnySizeFixtures.Photo(photo);
                Assert.True(embedder.InputSize(image) == (height, width), $"input size: expected {height}x{width}, seen {embedder.InputSize(image)}");
                var pixels = new float[embedder.PixelsPerImage];
                embedder.PreprocessImage(image, pixels);
                var pixelDiff = AnySizeFixtures.MaxAbsDiff(pixels, AnySizeFixtures.Floats(goldens[key + "_pixels"]), "pixels");
                Assert.True(pixelDiff <= PixelTolerance, $"{key} pixels: expected max |diff| <= {PixelTolerance:G3}, seen {pixelDiff:G3}");
                AssertEmbedding(embedder, pixels, height, width, goldens[key + "_features"], grid, key);
            }
        }
        finally
        {
            foreach (var t in goldens.Values) t.Dispose();
        }
    }

    [Fact]
    public void ATimmNonSquareInputSizeIsRefusedWhereTimmRefusesIt()
    {
        var noDynamic = AnySizeFixtures.TimmFolder(folders, "dinov2_tiny", AnySizeFixtures.PretrainedCfg(70, 84, 1.0, "center"), []);
        var e = Assert.Throws<NotSupportedException>(() => ModelResolver.Resolve(noDynamic, weights: null));
        Assert.Contains("dynamic_img_size", e.Message, StringComparison.Ordinal);

        var notMultiple = AnySizeFixtures.TimmFolder(folders, "dinov2_tiny", AnySizeFixtures.PretrainedCfg(61, 75, 1.0, "center"),
            new JsonObject { ["dynamic_img_size"] = true });
        e = Assert.Throws<NotSupportedException>(() => ModelResolver.Resolve(notMultiple, weights: null));
        Assert.Contains("dynamic_img_pad", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImageSmallerThanOnePatchIsAClearErrorAtItsOwnSize()
    {
        var model = ModelResolver.Resolve(folders.HuggingFaceFolder("dinov2_tiny", AnySizeFixtures.NativeSizeProcessor()), weights: null);
        using var embedder = ImageEmbedder.Load(model, 0);
        var tiny = new DecodedImage(20, 10, new byte[20 * 10 * 3]);
        var e = Assert.Throws<ArgumentException>(() => embedder.InputSize(tiny));
        Assert.Contains("smaller than one 14x14 patch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesOfOneGridShareABatchAndEachRowEqualsItsOwnRun()
    {
        var model = ModelResolver.Resolve(folders.HuggingFaceFolder("dinov2_reg_tiny", AnySizeFixtures.NativeSizeProcessor()), weights: null);
        using var embedder = ImageEmbedder.Load(model, 0, patchTokens: true);
        var photo = AnySizeFixtures.Photo("flower");
        // 70x84 and 75x97 pixels both give a 5x6 grid: one model input size after the cut.
        var images = new[] { Crop(photo, 10, 20, 70, 84), Crop(photo, 200, 300, 75, 97) };
        var inputs = images.Select(embedder.InputSize).Distinct().ToList();
        Assert.True(inputs.Count == 1 && inputs[0] == (70, 84), $"expected one input size 70x84, seen {string.Join(", ", inputs)}");
        var batch = new float[2 * 3 * 70 * 84];
        embedder.PreprocessImage(images[0], batch.AsSpan(0, 3 * 70 * 84));
        embedder.PreprocessImage(images[1], batch.AsSpan(3 * 70 * 84));
        var both = embedder.Embed(batch, 2, 70, 84);
        for (var i = 0; i < 2; i++)
        {
            var one = embedder.Embed(batch.AsSpan(i * 3 * 70 * 84, 3 * 70 * 84).ToArray(), 1, 70, 84);
            var diff = AnySizeFixtures.MaxAbsDiff(both.Embeddings.AsSpan(i * 48, 48), one.Embeddings, "embedding");
            Assert.True(diff <= FeatureTolerance, $"row {i}: batched vs alone expected max |diff| <= {FeatureTolerance:G3}, seen {diff:G3}");
            Assert.Equal(30 * 48, one.PatchTokens!.Length);
        }
    }

    private static DecodedImage Crop(DecodedImage image, int top, int left, int height, int width)
    {
        var rgb = new byte[height * width * 3];
        for (var y = 0; y < height; y++)
        {
            image.Rgb.AsSpan((((top + y) * image.Width) + left) * 3, width * 3).CopyTo(rgb.AsSpan(y * width * 3));
        }
        return new DecodedImage(width, height, rgb);
    }

    private void AssertEmbedding(ImageEmbedder embedder, float[] pixels, int height, int width, Tensor expectedFeatures, (int Height, int Width) grid, string what)
    {
        var result = embedder.Embed(pixels, 1, height, width);
        var tokens = grid.Height * grid.Width;
        var prefix = expectedFeatures.shape[1] - tokens;
        Assert.True(prefix is 1 or 5, $"{what}: expected 1 or 5 prefix tokens before {tokens} patches, seen {prefix}");
        using var cls = expectedFeatures.select(1, 0);
        using var patches = expectedFeatures.narrow(1, prefix, tokens);
        var clsDiff = AnySizeFixtures.MaxAbsDiff(result.Embeddings, AnySizeFixtures.Floats(cls), $"{what} CLS");
        var patchDiff = AnySizeFixtures.MaxAbsDiff(result.PatchTokens!, AnySizeFixtures.Floats(patches), $"{what} patch tokens");
        output.WriteLine($"{what}: grid {grid.Height}x{grid.Width}, CLS max |diff| {clsDiff:G3}, patches {patchDiff:G3}");
        Assert.True(clsDiff <= FeatureTolerance, $"{what} CLS: expected max |diff| <= {FeatureTolerance:G3}, seen {clsDiff:G3}");
        Assert.True(patchDiff <= FeatureTolerance, $"{what} patch tokens: expected max |diff| <= {FeatureTolerance:G3}, seen {patchDiff:G3}");
    }
}
