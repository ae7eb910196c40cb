using System.Text.Json.Nodes;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Vae;
using static TorchSharp.torch;
using F = Pipeline.Models.Tests.Diffusion.Vae.VaeFixture;

namespace Pipeline.Models.Tests.Diffusion.Vae;

/// <summary>Loading diffusers <c>vae/</c> folders: config values, old attention key names, strictness, refusals.</summary>
public sealed class AutoencoderKLLoadTests
{
    [Fact]
    public void ReadsTheFixtureConfig()
    {
        var config = AutoencoderKLConfig.FromJsonFile(Path.Combine(F.Folder, "config.json"));
        Assert.Equal([32, 64], config.BlockOutChannels);
        Assert.Equal(2, config.LayersPerBlock);
        Assert.Equal(4, config.LatentChannels);
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.Equal(16, config.SampleSize);
        Assert.True(config.MidBlockAddAttention);
        Assert.Equal(0.18215, new AutoencoderKLConfig().ScalingFactor);
    }

    [Fact]
    public void OldAttentionKeyNamesAreRenamedOnLoad()
    {
        var folder = F.TempFolder();
        try
        {
            using var scope = NewDisposeScope();
            var weights = F.Read("diffusion_pytorch_model.safetensors");
            var old = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in weights)
            {
                var name = key.Replace(".to_q.", ".query.", StringComparison.Ordinal)
                    .Replace(".to_k.", ".key.", StringComparison.Ordinal)
                    .Replace(".to_v.", ".value.", StringComparison.Ordinal)
                    .Replace(".to_out.0.", ".proj_attn.", StringComparison.Ordinal);
                // One weight stored the way conv-based conversions kept it, as a 1x1 conv kernel.
                old[name] = name == "decoder.mid_block.attentions.0.query.weight" ? value.unsqueeze(-1).unsqueeze(-1) : value;
            }
            Assert.Contains("encoder.mid_block.attentions.0.proj_attn.bias", old.Keys);
            Assert.Contains("encoder.mid_block.attentions.0.group_norm.weight", old.Keys);
            Assert.DoesNotContain(old.Keys, k => k.Contains(".to_q.", StringComparison.Ordinal));
            File.Copy(Path.Combine(F.Folder, "config.json"), Path.Combine(folder, "config.json"));
            SafeTensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), old);

            using var vae = AutoencoderKL.Load(folder);

            var state = vae.state_dict();
            foreach (var (key, value) in weights)
            {
                var diff = F.MaxAbsDiff(state[key], value);
                Assert.True(diff == 0, $"{key}: expected the checkpoint value, seen max |diff| {diff:G3}");
            }
            var expected = F.Read("expected.safetensors");
            using var _ = inference_mode();
            F.AssertClose(expected["decoded"], vae.Decode(expected["decode_input"]), "decoded (old key names)", 9.9e-5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RenameLeavesOtherKeysAlone()
    {
        Assert.Equal("decoder.mid_block.attentions.0.to_v.bias", VaeKeyMap.Rename("decoder.mid_block.attentions.0.value.bias"));
        Assert.Equal("encoder.mid_block.attentions.0.to_out.0.weight", VaeKeyMap.Rename("encoder.mid_block.attentions.0.proj_attn.weight"));
        Assert.Equal("encoder.mid_block.attentions.0.group_norm.weight", VaeKeyMap.Rename("encoder.mid_block.attentions.0.group_norm.weight"));
        Assert.Equal("decoder.up_blocks.0.resnets.0.conv1.weight", VaeKeyMap.Rename("decoder.up_blocks.0.resnets.0.conv1.weight"));
        Assert.Equal("quant_conv.weight", VaeKeyMap.Rename("quant_conv.weight"));
    }

    [Fact]
    public void MissingKeyIsRefusedByName()
    {
        var folder = F.TempFolder();
        try
        {
            using var scope = NewDisposeScope();
            var weights = F.Read("diffusion_pytorch_model.safetensors");
            Assert.True(weights.Remove("post_quant_conv.bias"));
            File.Copy(Path.Combine(F.Folder, "config.json"), Path.Combine(folder, "config.json"));
            SafeTensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), weights);
            var ex = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(folder));
            Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
            Assert.Contains("post_quant_conv.bias", ex.Message, StringComparison.Ordinal);
            Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("up_block_types", """["UpDecoderBlock2D", "AttnUpDecoderBlock2D"]""", "up_block_types[1]", "AttnUpDecoderBlock2D")]
    [InlineData("down_block_types", """["DownEncoderBlock2D", "AttnDownEncoderBlock2D"]""", "down_block_types[1]", "AttnDownEncoderBlock2D")]
    [InlineData("shift_factor", "0.0609", "shift_factor", "0.0609")]
    [InlineData("act_fn", "\"relu\"", "act_fn", "relu")]
    [InlineData("layers_per_block", "[2, 2]", "layers_per_block", "[2,2]")]
    public void UnsupportedSettingsAreRefusedNamingFieldAndValue(string key, string jsonValue, string field, string value)
    {
        var folder = F.TempFolder();
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(F.Folder, "config.json")))!.AsObject();
            Assert.True(json.ContainsKey(key), $"expected the fixture config to have {key}, not seen");
            json[key] = JsonNode.Parse(jsonValue);
            File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString());
            var ex = Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.FromJsonFile(Path.Combine(folder, "config.json")));
            Assert.Contains(field, ex.Message, StringComparison.Ordinal);
            Assert.Contains(value, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
