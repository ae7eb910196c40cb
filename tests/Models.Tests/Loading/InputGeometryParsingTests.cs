using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;

namespace Pipeline.Models.Tests.Loading;

/// <summary>The input sizes a folder states beyond the fixed crop: HF resize/crop switches, timm non-square input_size, dynamic_img_* args.</summary>
public sealed class InputGeometryParsingTests
{
    private static JsonElement Json(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    public static TheoryData<bool, bool, InputResize, bool> HuggingFaceSwitches() => new()
    {
        { true, true, InputResize.Config, true },
        { false, false, InputResize.None, false },
        { false, true, InputResize.None, true },
        { true, false, InputResize.Config, false },
    };

    [Theory]
    [MemberData(nameof(HuggingFaceSwitches))]
    public void HuggingFaceResizeAndCropSwitchesGiveTheirGeometry(bool resize, bool crop, InputResize expectedResize, bool expectedCrop)
    {
        var processor = ModelFolderBuilder.BitProcessor();
        processor["do_resize"] = resize;
        processor["do_center_crop"] = crop;
        var geometry = HuggingFacePreprocessorConfig.ParseGeometry(Json(processor));
        var config = HuggingFacePreprocessorConfig.Parse(Json(processor));
        Assert.True(geometry.Resize == expectedResize && geometry.CenterCrop == expectedCrop,
            $"do_resize {resize}, do_center_crop {crop}: expected {expectedResize}/crop {expectedCrop}, seen {geometry.Resize}/crop {geometry.CenterCrop}");
        Assert.Equal((256, 224, 224), (config.ResizeShortestEdge, config.CropHeight, config.CropWidth));
    }

    [Fact]
    public void ANativeSizeProcessorWithoutSizesStillParses()
    {
        var processor = new JsonObject { ["image_processor_type"] = "BitImageProcessor", ["do_resize"] = false, ["do_center_crop"] = false };
        var config = HuggingFacePreprocessorConfig.Parse(Json(processor));
        Assert.Equal(InputGeometry.NativeSize, HuggingFacePreprocessorConfig.ParseGeometry(Json(processor)));
        Assert.Equal(PreprocessConfig.ImageNetMean, config.Mean);
    }

    [Theory]
    [InlineData("center", 0.875, InputResize.KeepRatio, 80, 96, Interpolation.Bilinear)]
    [InlineData("squash", 1.0, InputResize.Exact, 70, 84, Interpolation.Bicubic)]
    public void ATimmNonSquareInputSizeResizesAsTimmsTransformsFactory(string cropMode, double cropPct, InputResize resize, int h, int w, Interpolation interpolation)
    {
        var cfg = new JsonObject
        {
            ["input_size"] = new JsonArray(3, 70, 84), ["crop_pct"] = cropPct, ["crop_mode"] = cropMode, ["interpolation"] = "bicubic",
        };
        var geometry = TimmPretrainedConfig.ParseGeometry(Json(cfg));
        var config = TimmPretrainedConfig.Parse(Json(cfg));
        Assert.Equal(new InputGeometry(resize, true, h, w, interpolation), geometry);
        Assert.Equal((70, 84), (config.CropHeight, config.CropWidth));
        Assert.Equal(CropRounding.RoundHalfToEven, config.CropRounding);
    }

    [Fact]
    public void ASquareTimmInputSizeKeepsTheFixedPath()
    {
        var cfg = ModelFolderBuilder.TimmPretrainedCfg(224, 0.875);
        Assert.Same(InputGeometry.Default, TimmPretrainedConfig.ParseGeometry(Json(cfg)));
    }

    [Fact]
    public void DynamicImgSizeAndPadAreReadFromModelArgs()
    {
        var args = Json(new JsonObject { ["dynamic_img_size"] = true, ["dynamic_img_pad"] = true });
        var config = VisionTransformerConfig.FromTimm("vit_small_patch14_dinov2", args);
        Assert.True(config.DynamicImgSize && config.DynamicImgPad, $"expected both flags, seen size {config.DynamicImgSize} pad {config.DynamicImgPad}");
        var plain = VisionTransformerConfig.FromTimm("vit_small_patch14_dinov2");
        Assert.False(plain.DynamicImgSize || plain.DynamicImgPad, "expected neither flag without model_args");
    }
}
