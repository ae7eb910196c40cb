using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.UNet;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.UNet.UNetFixture;

namespace Pipeline.Models.Tests.Diffusion.UNet;

/// <summary>Reading diffusers <c>unet/config.json</c> files: values, head-count rules, and refusals naming the field.</summary>
public sealed class UNet2DConditionConfigTests
{
    [Fact]
    public void ReadsTheFixtureConfig()
    {
        var config = UNet2DConditionConfig.FromJsonFile(Path.Combine(F.Folder, "config.json"));
        Assert.Equal([32, 64, 64], config.BlockOutChannels);
        Assert.Equal(["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"], config.DownBlockTypes);
        Assert.Equal(["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], config.UpBlockTypes);
        Assert.Equal(2, config.LayersPerBlock);
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(32, config.CrossAttentionDim);
        Assert.Equal([8, 8, 8], config.NumAttentionHeads);
        Assert.Equal([1, 1, 1], config.TransformerLayersPerBlock);
        Assert.True(config.FlipSinToCos);
        Assert.Equal(0, config.FreqShift);
        Assert.Equal(8, config.SampleSize);
        Assert.Null(config.TimeCondProjDim);
        Assert.Equal(128, config.TimeEmbedDim);
    }

    [Fact]
    public void NumAttentionHeadsWinsOverAttentionHeadDimAndListsArePerBlock()
    {
        var config = Parse("""{"attention_head_dim": [5, 10, 20, 20], "num_attention_heads": null, "block_out_channels": [320, 640, 1280, 1280], "cross_attention_dim": 1024, "use_linear_projection": true}""");
        Assert.Equal([5, 10, 20, 20], config.NumAttentionHeads);
        Assert.True(config.UseLinearProjection);
        var both = Parse("""{"attention_head_dim": 8, "num_attention_heads": [4, 4, 8, 8]}""");
        Assert.Equal([4, 4, 8, 8], both.NumAttentionHeads);
    }

    [Theory]
    [InlineData("""{"down_block_types": ["SimpleCrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]}""", "down_block_types[0]", "SimpleCrossAttnDownBlock2D")]
    [InlineData("""{"up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "AttnUpBlock2D", "CrossAttnUpBlock2D"]}""", "up_block_types[2]", "AttnUpBlock2D")]
    [InlineData("""{"mid_block_type": "UNetMidBlock2DSimpleCrossAttn"}""", "mid_block_type", "UNetMidBlock2DSimpleCrossAttn")]
    [InlineData("""{"class_embed_type": "timestep"}""", "class_embed_type", "timestep")]
    [InlineData("""{"addition_embed_type": "text_time"}""", "addition_embed_type", "text_time")]
    [InlineData("""{"resnet_time_scale_shift": "scale_shift"}""", "resnet_time_scale_shift", "scale_shift")]
    [InlineData("""{"dual_cross_attention": true}""", "dual_cross_attention", "true")]
    [InlineData("""{"only_cross_attention": [true, false, false, false]}""", "only_cross_attention", "true")]
    [InlineData("""{"act_fn": "gelu"}""", "act_fn", "gelu")]
    [InlineData("""{"time_embedding_type": "fourier"}""", "time_embedding_type", "fourier")]
    [InlineData("""{"encoder_hid_dim_type": "text_proj", "encoder_hid_dim": 4096}""", "encoder_hid_dim", "4096")]
    [InlineData("""{"cross_attention_dim": [768, 768, 768, 768]}""", "cross_attention_dim", "768")]
    public void UnsupportedSettingsAreRefusedNamingFieldAndValue(string json, string field, string value)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedBlockTypeFolderIsRefusedByLoad()
    {
        var folder = F.TempFolder();
        try
        {
            var json = File.ReadAllText(Path.Combine(F.Folder, "config.json")).Replace("\"DownBlock2D\"", "\"KDownBlock2D\"", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "config.json"), json);
            File.Copy(Path.Combine(F.Folder, "diffusion_pytorch_model.safetensors"), Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
            var ex = Assert.Throws<InvalidDataException>(() => UNet2DConditionModel.Load(folder));
            Assert.Contains("down_block_types[2]", ex.Message, StringComparison.Ordinal);
            Assert.Contains("KDownBlock2D", ex.Message, StringComparison.Ordinal);
            Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Fp16OnlyFolderLoadsAsFloat32()
    {
        var folder = F.TempFolder();
        try
        {
            using var scope = NewDisposeScope();
            File.Copy(Path.Combine(F.Folder, "config.json"), Path.Combine(folder, "config.json"));
            var weights = F.Read("diffusion_pytorch_model.safetensors");
            var half = weights.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16));
            SafeTensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.fp16.safetensors"), half);

            using var model = UNet2DConditionModel.Load(folder);

            foreach (var (key, value) in model.state_dict())
            {
                Assert.True(value.dtype == ScalarType.Float32, $"{key}: expected float32, seen {value.dtype}");
                using var rounded = half[key].to(ScalarType.Float32);
                var diff = F.MaxAbsDiff(value, rounded);
                Assert.True(diff == 0, $"{key}: expected the fp16 value converted to float32, seen max |diff| {diff:G3}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static UNet2DConditionConfig Parse(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "unet-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        try
        {
            return UNet2DConditionConfig.FromJsonFile(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
