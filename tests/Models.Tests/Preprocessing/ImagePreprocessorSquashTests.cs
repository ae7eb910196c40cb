using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>timm's <c>crop_mode='squash'</c>: both sides resized to the scale size, aspect ratio not kept, then cropped.</summary>
public sealed class ImagePreprocessorSquashTests
{
    [Fact]
    public void SquashResizesBothSidesBeforeTheCentreCrop()
    {
        int width = 64, height = 40;
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i * 37) % 251);
        var image = new DecodedImage(width, height, rgb);
        var config = PreprocessConfig.TimmSquash(24, 0.8, Interpolation.Bicubic, PreprocessConfig.ImageNetMean, PreprocessConfig.ImageNetStd);
        Assert.Equal(30, config.ResizeShortestEdge);

        var pixels = ImagePreprocessor.Preprocess(image, config);

        // Expected: a 30x30 Pillow resize (not 48x30 as the shorter-side rule gives), centre crop 24 at offset 3.
        var square = PillowResize.Resize(rgb, width, height, 30, 30, Interpolation.Bicubic);
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < 24; y++)
        for (int x = 0; x < 24; x++)
        {
            float expected = ((square[((y + 3) * 30 + x + 3) * 3 + c] / 255f) - config.Mean[c]) / config.Std[c];
            Assert.True(expected == pixels[c * 576 + y * 24 + x], $"channel {c} at ({x},{y}): expected {expected}, got {pixels[c * 576 + y * 24 + x]}");
        }
    }

    [Fact]
    public void TheSquashTagsOfTheRegistryUseIt()
    {
        Assert.True(ModelRegistry.Get("tf_efficientnetv2_m.in21k_ft_in1k").Preprocess.Squash);
        Assert.True(ModelRegistry.Get("convnext_base.fb_in22k_ft_in1k_384").Preprocess.Squash);
        Assert.False(ModelRegistry.Get("convnext_base.fb_in22k_ft_in1k").Preprocess.Squash);
    }
}
