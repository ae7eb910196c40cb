using Pipeline.Models.Diffusion.Text;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary><see cref="ClipTextConfig"/> parsing of transformers config.json files.</summary>
public sealed class ClipTextConfigTests
{
    private static string WriteConfig(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"clip-text-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void FromJsonFile_ReadsTheTinyFixtureConfig()
    {
        var config = ClipTextConfig.FromJsonFile(Path.Combine(ClipFixture.TextEncoderDir, "config.json"));
        var expected = (1000, 32, 37, 2, 4, 77, ClipHiddenAct.QuickGelu, 1e-5, 997L, 998L, 998L, (int?)32);
        var seen = (config.VocabSize, config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads,
            config.MaxPositionEmbeddings, config.HiddenAct, config.LayerNormEps, config.BosTokenId, config.EosTokenId, config.PadTokenId, config.ProjectionDim);
        Assert.Equal(expected, seen);
        Assert.Equal(["CLIPTextModel"], config.Architectures);
        Assert.Equal(8, config.HeadDim);
    }

    [Fact]
    public void FromJsonFile_Sd15StyleConfig_UsesArgmaxPooling()
    {
        // SD-1.5 text_encoder/config.json: quick_gelu, eos_token_id 2 (stale), 12 layers of 768.
        var path = WriteConfig("""
            {"architectures": ["CLIPTextModel"], "hidden_act": "quick_gelu", "hidden_size": 768, "intermediate_size": 3072,
             "num_attention_heads": 12, "num_hidden_layers": 12, "max_position_embeddings": 77, "vocab_size": 49408,
             "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "layer_norm_eps": 1e-05, "projection_dim": 768}
            """);
        try
        {
            var config = ClipTextConfig.FromJsonFile(path);
            Assert.Equal(ClipPooling.ArgmaxId, config.DefaultPooling);
            Assert.Equal(64, config.HeadDim);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromJsonFile_AcceptsGelu()
    {
        var path = WriteConfig("""{"hidden_act": "gelu", "hidden_size": 64, "num_attention_heads": 4}""");
        try
        {
            var config = ClipTextConfig.FromJsonFile(path);
            Assert.Equal(ClipHiddenAct.Gelu, config.HiddenAct);
            Assert.Null(config.ProjectionDim);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"hidden_act": "gelu_new"}""", "gelu_new")]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "num_attention_heads")]
    [InlineData("""{"num_hidden_layers": "twelve"}""", "num_hidden_layers")]
    [InlineData("""{"layer_norm_eps": "small"}""", "layer_norm_eps")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"vocab_size": 0}""", "vocab_size")]
    public void FromJsonFile_RefusesBadConfigsNamingTheField(string json, string named)
    {
        var path = WriteConfig(json);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJsonFile(path));
            Assert.Contains(named, ex.Message, StringComparison.Ordinal);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
