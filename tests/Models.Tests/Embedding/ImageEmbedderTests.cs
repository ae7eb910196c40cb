using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Models.Tests.Loading;

namespace Pipeline.Models.Tests.Embedding;

/// <summary>The workers' facade: pooling, patch tokens and position-table resampling options on a real checkpoint.</summary>
public sealed class ImageEmbedderTests : IDisposable
{
    private readonly ModelFolderBuilder folders = new();

    public void Dispose() => folders.Dispose();

    private ResolvedModel HuggingFaceDinov2() =>
        ModelResolver.Resolve(folders.HuggingFaceFolder("dinov2_tiny", ModelFolderBuilder.BitProcessor()), weights: null);

    private static float[] Pixels(ImageEmbedder embedder, int count)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count * embedder.PixelsPerImage).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    [Fact]
    public void AHuggingFaceDinov2FolderResamplesItsPositionsAsTransformersDoesUnlessTold()
    {
        var model = HuggingFaceDinov2();
        using var byDefault = ImageEmbedder.Load(model, 0);
        using var transformers = ImageEmbedder.Load(model, 0, posEmbedResampling: "transformers");
        using var timm = ImageEmbedder.Load(model, 0, posEmbedResampling: "timm");
        var pixels = Pixels(byDefault, 2); // 224 px crop: a 16x16 grid against the checkpoint's 4x4 table

        var a = byDefault.Embed(pixels, 2).Embeddings;
        var b = transformers.Embed(pixels, 2).Embeddings;
        var c = timm.Embed(pixels, 2).Embeddings;

        Assert.Equal(b, a);
        double diff = a.Zip(c, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(diff > 1e-3, $"timm's antialiased resampling should move the embedding; max |diff| was {diff:E2}");
    }

    [Fact]
    public void ClsMeanPoolingDoublesTheWidthAndPatchTokensComeWithEveryRow()
    {
        var model = HuggingFaceDinov2();
        using var cls = ImageEmbedder.Load(model, 0);
        using var clsMean = ImageEmbedder.Load(model, 0, pooling: "cls+mean", patchTokens: true);
        var pixels = Pixels(cls, 2);

        var plain = cls.Embed(pixels, 2);
        var both = clsMean.Embed(pixels, 2);

        Assert.Equal(48, cls.EmbeddingDim);
        Assert.Equal(96, clsMean.EmbeddingDim);
        Assert.Null(plain.PatchTokens);
        Assert.Equal(2 * 256 * 48, both.PatchTokens!.Length);
        // The first half of cls+mean is the CLS embedding; the second half is the mean of the patch tokens.
        for (int row = 0; row < 2; row++)
        {
            Assert.Equal(plain.Embeddings.AsSpan(row * 48, 48).ToArray(), both.Embeddings.AsSpan(row * 96, 48).ToArray());
            for (int d = 0; d < 48; d += 7)
            {
                double mean = Enumerable.Range(0, 256).Average(t => both.PatchTokens[(row * 256 + t) * 48 + d]);
                Assert.True(Math.Abs(mean - both.Embeddings[row * 96 + 48 + d]) < 1e-5, $"row {row} dim {d}: mean of patch tokens {mean} vs {both.Embeddings[row * 96 + 48 + d]}");
            }
        }
    }

    [Fact]
    public void ConvNetsRefuseViTOptions()
    {
        var model = ModelResolver.Resolve("convnext_tiny.fb_in22k_ft_in1k", "random");
        Assert.Throws<ArgumentException>(() => ImageEmbedder.Load(model, 0, posEmbedResampling: "timm"));
        Assert.Throws<ArgumentException>(() => ImageEmbedder.Load(model, 0, patchTokens: true));
    }
}
