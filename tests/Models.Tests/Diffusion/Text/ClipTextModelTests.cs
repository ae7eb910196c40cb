using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>
/// <see cref="ClipTextModel"/> against the <c>clip_text_tiny</c> goldens (HF CLIPTextModel, 2 layers, quick_gelu):
/// last_hidden_state, every hidden state, both pooling rules, and the loader's key handling.
/// </summary>
public sealed class ClipTextModelTests
{
    private static Dictionary<string, Tensor> Inputs() => ClipFixture.Read(Path.Combine(ClipFixture.TextEncoderDir, "inputs.safetensors"));

    private static Dictionary<string, Tensor> Expected() => ClipFixture.Read(Path.Combine(ClipFixture.TextEncoderDir, "expected.safetensors"));

    private static Dictionary<string, Tensor> Weights() => ClipFixture.Read(Path.Combine(ClipFixture.TextEncoderDir, "model.safetensors"));

    /// <summary>A text encoder folder with the fixture config and <paramref name="weights"/> written as <paramref name="fileName"/>.</summary>
    private static string WriteFolder(Dictionary<string, Tensor> weights, string fileName = "model.safetensors")
    {
        var folder = ClipFixture.NewTempFolder("clip-text-encoder");
        File.Copy(Path.Combine(ClipFixture.TextEncoderDir, "config.json"), Path.Combine(folder, "config.json"));
        SafeTensorsWriter.Write(Path.Combine(folder, fileName), weights);
        return folder;
    }

    /// <summary>Loads <paramref name="folder"/> and checks last_hidden_state against the golden.</summary>
    private static void AssertMatchesGolden(string folder, string what)
    {
        using var model = ClipTextModel.Load(folder);
        var inputs = Inputs();
        var expected = Expected();
        try
        {
            using var _ = torch.no_grad();
            using var hidden = model.forward(inputs["input_ids"]);
            ClipFixture.AssertClose(expected["last_hidden_state"], hidden, $"{what}: last_hidden_state", ClipFixture.Tolerance("last_hidden_state"));
        }
        finally
        {
            ClipFixture.DisposeAll(inputs.Values);
            ClipFixture.DisposeAll(expected.Values);
        }
    }

    [Fact]
    public void Forward_MatchesLastHiddenStateAndEveryHiddenState()
    {
        using var model = ClipTextModel.Load(ClipFixture.TextEncoderDir);
        Assert.False(model.HasProjection);
        var inputs = Inputs();
        var expected = Expected();
        try
        {
            using var _ = torch.no_grad();
            var ids = inputs["input_ids"];
            using var last = model.forward(ids);
            ClipFixture.AssertClose(expected["last_hidden_state"], last, "last_hidden_state", ClipFixture.Tolerance("last_hidden_state"));

            using var output = model.ForwardWithHiddenStates(ids);
            Assert.Equal(model.Config.NumHiddenLayers + 1, output.HiddenStates.Count);
            ClipFixture.AssertClose(expected["last_hidden_state"], output.LastHiddenState, "ForwardWithHiddenStates last_hidden_state", ClipFixture.Tolerance("last_hidden_state"));
            for (var i = 0; i < output.HiddenStates.Count; i++)
            {
                var name = $"hidden_states.{i}";
                ClipFixture.AssertClose(expected[name], output.HiddenStates[i], name, ClipFixture.Tolerance(name));
            }
        }
        finally
        {
            ClipFixture.DisposeAll(inputs.Values);
            ClipFixture.DisposeAll(expected.Values);
        }
    }

    [Fact]
    public void Pool_MatchesBothPoolingRules()
    {
        using var model = ClipTextModel.Load(ClipFixture.TextEncoderDir);
        var inputs = Inputs();
        var expected = Expected();
        try
        {
            using var _ = torch.no_grad();
            var ids = inputs["input_ids"];
            using var last = model.forward(ids);
            foreach (var (rule, pooled, index) in new[]
            {
                (ClipPooling.ArgmaxId, "pooler_output", "pool_index_argmax"),
                (ClipPooling.FirstEos, "pooler_output_first_eos", "pool_index_first_eos"),
            })
            {
                using var seenIndex = ClipTextModel.PoolIndex(ids, rule, model.Config.EosTokenId);
                var expectedIndex = expected[index].data<long>().ToArray();
                Assert.True(expectedIndex.SequenceEqual(seenIndex.data<long>().ToArray()),
                    $"{rule}: expected pool index [{string.Join(", ", expectedIndex)}], seen [{string.Join(", ", seenIndex.data<long>().ToArray())}]");
                using var seen = model.Pool(last, ids, rule);
                ClipFixture.AssertClose(expected[pooled], seen, $"{rule}: {pooled}", ClipFixture.Tolerance("last_hidden_state"));
            }
            // eos_token_id 998 != 2: transformers >= 4.31 pools at the first eos.
            Assert.Equal(ClipPooling.FirstEos, model.Config.DefaultPooling);
            using var byDefault = model.Pool(last, ids);
            ClipFixture.AssertClose(expected["pooler_output_first_eos"], byDefault, "default pooling", ClipFixture.Tolerance("last_hidden_state"));
        }
        finally
        {
            ClipFixture.DisposeAll(inputs.Values);
            ClipFixture.DisposeAll(expected.Values);
        }
    }

    [Fact]
    public void Load_IgnoresStoredPositionIds()
    {
        var weights = Weights();
        weights[ClipTextModel.PositionIdsKey] = torch.arange(77, dtype: ScalarType.Int64).unsqueeze(0);
        var folder = WriteFolder(weights);
        ClipFixture.DisposeAll(weights.Values);
        try
        {
            AssertMatchesGolden(folder, "with position_ids");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_RefusesAMissingKeyNamingIt()
    {
        const string key = "text_model.encoder.layers.1.mlp.fc2.bias";
        var weights = Weights();
        Assert.True(weights.Remove(key, out var removed), $"expected fixture key {key}");
        removed.Dispose();
        var folder = WriteFolder(weights);
        ClipFixture.DisposeAll(weights.Values);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => ClipTextModel.Load(folder));
            Assert.Contains(key, ex.Message, StringComparison.Ordinal);
            Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_RefusesAnUnexpectedKeyNamingIt()
    {
        const string key = "text_model.encoder.layers.2.mlp.fc2.bias";
        var weights = Weights();
        weights[key] = torch.zeros(32);
        var folder = WriteFolder(weights);
        ClipFixture.DisposeAll(weights.Values);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => ClipTextModel.Load(folder));
            Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_MapsOpenAiKeyNames()
    {
        var weights = Weights();
        var openai = ClipTextKeyMapTests.ToOpenAi(weights);
        Assert.True(ClipTextKeyMap.IsOpenAi(openai.Keys), "expected the converted dict to use OpenAI names");
        var folder = WriteFolder(openai);
        ClipFixture.DisposeAll(weights.Values);
        ClipFixture.DisposeAll(openai.Values);
        try
        {
            AssertMatchesGolden(folder, "OpenAI key names");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_ConvertsFp16OnlyWeightsToFloat32()
    {
        var weights = Weights();
        var half = weights.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16));
        var folder = WriteFolder(half, "model.fp16.safetensors");
        try
        {
            using var model = ClipTextModel.Load(folder);
            foreach (var (key, value) in model.state_dict())
            {
                Assert.True(value.dtype == ScalarType.Float32, $"{key}: expected float32, seen {value.dtype}");
                using var rounded = half[key].to(ScalarType.Float32);
                Assert.True(rounded.shape.SequenceEqual(value.shape) && rounded.eq(value).all().item<bool>(), $"{key}: expected the fp16 values widened exactly to float32");
            }
        }
        finally
        {
            ClipFixture.DisposeAll(weights.Values);
            ClipFixture.DisposeAll(half.Values);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_WithTextProjection_ProjectsThePooledOutput()
    {
        var weights = Weights();
        weights[ClipTextKeyMap.TextProjectionKey] = torch.eye(32).mul(2.0);
        var folder = WriteFolder(weights);
        ClipFixture.DisposeAll(weights.Values);
        var inputs = Inputs();
        var expected = Expected();
        try
        {
            using var model = ClipTextModel.Load(folder);
            Assert.True(model.HasProjection);
            using var _ = torch.no_grad();
            using var last = model.forward(inputs["input_ids"]);
            using var pooled = model.Pool(last, inputs["input_ids"], ClipPooling.ArgmaxId);
            using var projected = model.Project(pooled);
            using var twice = expected["pooler_output"] * 2.0;
            ClipFixture.AssertClose(twice, projected, "text_embeds = 2 * pooler_output", 2 * ClipFixture.Tolerance("last_hidden_state"));
        }
        finally
        {
            ClipFixture.DisposeAll(inputs.Values);
            ClipFixture.DisposeAll(expected.Values);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_WithoutWeights_IsRefusedNamingTheFolder()
    {
        var folder = ClipFixture.NewTempFolder("clip-text-encoder-empty");
        File.Copy(Path.Combine(ClipFixture.TextEncoderDir, "config.json"), Path.Combine(folder, "config.json"));
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => ClipTextModel.Load(folder));
            Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
            Assert.Contains("model.safetensors", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Forward_RefusesIdsOfTheWrongTypeOrLength()
    {
        using var model = new ClipTextModel(ClipTextConfig.FromJsonFile(Path.Combine(ClipFixture.TextEncoderDir, "config.json")));
        using var floats = torch.zeros(1, 5);
        Assert.Throws<ArgumentException>(() => model.forward(floats));
        using var tooLong = torch.zeros(new long[] { 1, 78 }, ScalarType.Int64);
        var ex = Assert.Throws<ArgumentException>(() => model.forward(tooLong));
        Assert.Contains("78", ex.Message, StringComparison.Ordinal);
    }
}
