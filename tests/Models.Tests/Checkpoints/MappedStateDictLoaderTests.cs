using Pipeline.Models.Checkpoints;
using Pipeline.Models.Registry;
using TorchSharp;
using static TorchSharp.torch.nn;
using F = Pipeline.Models.Tests.Vision.VisionTransformerFixture;

namespace Pipeline.Models.Tests.Checkpoints;

/// <summary>Streaming strict loading through a name map: exact, strict, and never the whole checkpoint in memory.</summary>
public sealed class MappedStateDictLoaderTests : IDisposable
{
    private readonly string folder = CheckpointFixtures.NewScratchFolder();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Module<torch.Tensor, torch.Tensor> NewModule() =>
        Sequential(("fc", Linear(3, 2)), ("bn", BatchNorm1d(2)));

    private string WriteRandom(Module<torch.Tensor, torch.Tensor> module, torch.ScalarType floatType, Action<Dictionary<string, torch.Tensor>>? edit = null)
    {
        var generator = new torch.Generator(11);
        var state = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in module.state_dict())
        {
            state[key] = value.is_floating_point()
                ? torch.randn(value.shape, dtype: floatType, generator: generator)
                : torch.full(value.shape, 42L, dtype: value.dtype);
        }
        edit?.Invoke(state);
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".safetensors");
        SafeTensorsWriter.Write(path, state);
        foreach (var tensor in state.Values) tensor.Dispose();
        return path;
    }

    private static Dictionary<string, torch.Tensor> Identity(IReadOnlyDictionary<string, torch.Tensor> state) => new(state, StringComparer.Ordinal);

    private static void AssertLoaded(Module<torch.Tensor, torch.Tensor> module, Checkpoint checkpoint)
    {
        foreach (var (key, target) in module.state_dict())
        {
            using var stored = checkpoint.Read(key);
            using var expected = stored.to_type(target.dtype);
            Assert.True(target.allclose(expected, rtol: 0, atol: 0), $"{key}: expected the checkpoint's values bit for bit, saw {target.ToString(TensorStringStyle.Julia)}");
        }
    }

    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.Float16)]
    public void LoadsEveryValueExactlyInPlaceOrConverted(torch.ScalarType stored)
    {
        using var module = NewModule();
        using var checkpoint = Checkpoint.Open(WriteRandom(module, stored));
        var weight = module.state_dict()["fc.weight"];

        MappedStateDictLoader.LoadStrict(module, checkpoint, Identity);

        AssertLoaded(module, checkpoint);
        Assert.Equal(torch.ScalarType.Float32, weight.dtype);
        Assert.Equal(42L, module.state_dict()["bn.num_batches_tracked"].item<long>());
        using var loaded = checkpoint.Read("fc.weight");
        using var loaded32 = loaded.to_type(torch.ScalarType.Float32);
        Assert.True(weight.allclose(loaded32, rtol: 0, atol: 0), "the module's own parameter storage must be filled, not replaced");
    }

    [Fact]
    public void NamesMissingUnexpectedAndMisShapedKeysAndCopiesNothing()
    {
        using var module = NewModule();
        using var before = module.state_dict()["fc.bias"].clone();
        var path = WriteRandom(module, torch.ScalarType.Float32, state =>
        {
            state.Remove("bn.running_var");
            state["bn.extra_thing"] = torch.zeros(2);
            state["fc.weight"] = torch.zeros(2, 4);
        });
        using var checkpoint = Checkpoint.Open(path);

        var error = Assert.Throws<InvalidDataException>(() => MappedStateDictLoader.LoadStrict(module, checkpoint, Identity));

        Assert.Contains("missing key(s): bn.running_var", error.Message);
        Assert.Contains("unexpected key(s): bn.extra_thing", error.Message);
        Assert.Contains("fc.weight (module [2, 3], checkpoint [2, 4])", error.Message);
        Assert.True(module.state_dict()["fc.bias"].allclose(before, rtol: 0, atol: 0), "a failed load must leave the module unchanged");
    }

    [Fact]
    public void DropsOnlyTheUnexpectedKeysItIsToldTo()
    {
        using var module = NewModule();
        var path = WriteRandom(module, torch.ScalarType.Float32, state =>
        {
            state["head.weight"] = torch.ones(7, 2);
            state["head.bias"] = torch.ones(7);
            state["stray"] = torch.ones(3);
        });
        using var checkpoint = Checkpoint.Open(path);

        var error = Assert.Throws<InvalidDataException>(() =>
            MappedStateDictLoader.LoadStrict(module, checkpoint, Identity, (_, shape) => shape is [7, ..]));
        Assert.Contains("1 unexpected key(s): stray", error.Message);

        MappedStateDictLoader.LoadStrict(module, checkpoint, s => Identity(s.Where(kv => kv.Key != "stray").ToDictionary()), (_, shape) => shape is [7, ..]);
        AssertLoaded(module, checkpoint);
    }

    [Theory]
    [InlineData("dinov2_tiny", CheckpointNaming.HuggingFace, "weights_hf.safetensors")]
    [InlineData("dinov2_tiny", CheckpointNaming.Original, "weights_orig.safetensors")]
    [InlineData("dinov2_reg_tiny", CheckpointNaming.HuggingFace, "weights_hf.safetensors")]
    [InlineData("dinov2_reg_tiny", CheckpointNaming.Original, "weights_orig.safetensors")]
    public void FusesAndFoldsLayerByLayerAndGivesTheTimmFileExactly(string fixtureCase, CheckpointNaming naming, string file)
    {
        var config = F.Config(fixtureCase);
        using var module = config.Create(0).AsModule();
        using var checkpoint = Checkpoint.Open(Path.Combine(F.CaseDir(fixtureCase), file));
        var largestRealCall = 0;
        Dictionary<string, torch.Tensor> Map(IReadOnlyDictionary<string, torch.Tensor> state)
        {
            if (state.Values.Any(t => t.device_type != DeviceType.META)) largestRealCall = Math.Max(largestRealCall, state.Count);
            return config.ToTimmNames(state, naming);
        }

        MappedStateDictLoader.LoadStrict(module, checkpoint, Map);

        // Fused qkv (HF) and the folded class position (registers) are computed from one layer's tensors at a time.
        Assert.True(largestRealCall < checkpoint.Names.Count / 2,
            $"expected the map to see one layer of real tensors at a time, saw {largestRealCall} of {checkpoint.Names.Count} at once");
        using var scope = torch.NewDisposeScope();
        var timm = F.Read(fixtureCase, "weights_timm.safetensors");
        foreach (var (key, target) in module.state_dict())
        {
            Assert.True(target.allclose(timm[key], rtol: 0, atol: 0), $"{fixtureCase} {naming} {key}: expected the timm file's values bit for bit");
        }
    }

    [Fact]
    public void FallsBackToReadingEverythingWhenTheMapMixesLayersAndStaysExact()
    {
        using var module = Sequential(("fc", Linear(2, 2, hasBias: false)));
        var path = Path.Combine(folder, "mixed.safetensors");
        using (var a = torch.randn(2, 2))
        using (var b = torch.randn(2, 2))
        {
            SafeTensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["a.0.w"] = a, ["b.1.w"] = b });
        }
        using var checkpoint = Checkpoint.Open(path);
        // A computed key from two layers: no per-layer group can produce it alone.
        static Dictionary<string, torch.Tensor> Sum(IReadOnlyDictionary<string, torch.Tensor> state) =>
            state.TryGetValue("a.0.w", out var a) && state.TryGetValue("b.1.w", out var b)
                ? new() { ["fc.weight"] = a + b }
                : new(state, StringComparer.Ordinal);

        MappedStateDictLoader.LoadStrict(module, checkpoint, Sum);

        using var x = checkpoint.Read("a.0.w");
        using var y = checkpoint.Read("b.1.w");
        using var expected = x + y;
        Assert.True(module.state_dict()["fc.weight"].allclose(expected, rtol: 0, atol: 0), "expected a.0.w + b.1.w bit for bit");
    }
}
