using Pipeline.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch.nn;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class StateDictLoaderTests
{
    private static Module<torch.Tensor, torch.Tensor> NewModule() =>
        Sequential(("fc", Linear(3, 2)), ("bn", BatchNorm1d(2)));

    private static Dictionary<string, torch.Tensor> Randomised(Module<torch.Tensor, torch.Tensor> module, torch.ScalarType floatType)
    {
        var generator = new torch.Generator(7);
        var state = new Dictionary<string, torch.Tensor>();
        foreach (var (key, value) in module.state_dict())
        {
            state[key] = value.is_floating_point()
                ? torch.randn(value.shape, dtype: floatType, generator: generator)
                : torch.full(value.shape, 42L, dtype: value.dtype);
        }
        return state;
    }

    [Fact]
    public void CopiesEveryValueAndConvertsDtype()
    {
        using var module = NewModule();
        var state = Randomised(module, torch.ScalarType.Float64);
        StateDictLoader.LoadStrict(module, state);
        foreach (var (key, target) in module.state_dict())
        {
            Assert.Equal(state[key].dtype == torch.ScalarType.Float64 ? torch.ScalarType.Float32 : state[key].dtype, target.dtype);
            using var expected = state[key].to_type(target.dtype);
            Assert.True(target.allclose(expected, rtol: 0, atol: 0), $"{key}: expected the loaded values, saw {target.ToString(TensorStringStyle.Julia)}");
        }
        Assert.Equal(42L, module.state_dict()["bn.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void NamesMissingUnexpectedAndMisShapedKeysAndCopiesNothing()
    {
        using var module = NewModule();
        using var before = module.state_dict()["fc.bias"].clone();
        var state = Randomised(module, torch.ScalarType.Float32);
        state.Remove("bn.running_var");
        state["bn.extra_thing"] = torch.zeros(2);
        state["fc.weight"] = torch.zeros(2, 4);

        var error = Assert.Throws<InvalidDataException>(() => StateDictLoader.LoadStrict(module, state));

        Assert.Contains("missing key(s): bn.running_var", error.Message);
        Assert.Contains("unexpected key(s): bn.extra_thing", error.Message);
        Assert.Contains("fc.weight (module [2, 3], checkpoint [2, 4])", error.Message);
        Assert.DoesNotContain("fc.bias", error.Message);
        Assert.True(module.state_dict()["fc.bias"].allclose(before, rtol: 0, atol: 0), "a failed load must leave the module unchanged");
    }

    [Fact]
    public void LoadsFromCheckpointOneTensorAtATimeAndChecksHeadersFirst()
    {
        var folder = CheckpointFixtures.NewScratchFolder();
        try
        {
            using var module = NewModule();
            var state = Randomised(module, torch.ScalarType.Float32);
            var path = Path.Combine(folder, "model.safetensors");
            SafeTensorsWriter.Write(path, state);
            using (var checkpoint = Checkpoint.Open(folder))
            {
                StateDictLoader.LoadStrict(module, checkpoint);
            }
            foreach (var (key, target) in module.state_dict())
            {
                Assert.True(target.allclose(state[key], rtol: 0, atol: 0), $"{key}: expected the checkpoint's values");
            }

            state["bn.num_batches_tracked"] = torch.tensor(new long[] { 3 });
            SafeTensorsWriter.Write(path, state);
            using var bad = Checkpoint.Open(path);
            var error = Assert.Throws<InvalidDataException>(() => StateDictLoader.LoadStrict(module, bad));
            Assert.Contains("bn.num_batches_tracked (module [], checkpoint [1])", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void LongKeyListsAreCut()
    {
        using var module = NewModule();
        var state = Randomised(module, torch.ScalarType.Float32);
        for (var i = 0; i < StateDictLoader.MaxKeysListed + 5; i++)
        {
            state[$"extra.{i:D3}"] = torch.zeros(1);
        }
        var error = Assert.Throws<InvalidDataException>(() => StateDictLoader.LoadStrict(module, state));
        Assert.Contains($"{StateDictLoader.MaxKeysListed + 5} unexpected key(s)", error.Message);
        Assert.Contains("... and 5 more", error.Message);
        Assert.DoesNotContain($"extra.{StateDictLoader.MaxKeysListed + 4:D3}", error.Message);
    }
}
