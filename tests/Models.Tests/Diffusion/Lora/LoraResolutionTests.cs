using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Lora;

/// <summary>How <see cref="LoraFusion"/> finds modules: kohya names against the target's own paths, refusing ambiguity and repeats.</summary>
public sealed class LoraResolutionTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "lora-resolve-" + Guid.NewGuid().ToString("N"));
    private readonly DisposeScope scope = NewDisposeScope();

    public LoraResolutionTests() => Directory.CreateDirectory(dir);

    public void Dispose()
    {
        scope.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void AmbiguousKohyaNameIsRefusedListingTheCandidates()
    {
        // 'a_b.c' and 'a.b_c' both read 'a_b_c' with '.' written as '_'.
        var model = new LoraTestContainer("m",
            ("a_b", new LoraTestContainer("m", ("c", nn.Linear(4, 4)))),
            ("a", new LoraTestContainer("m", ("b_c", nn.Linear(4, 4)))));
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var lora = Load(new() { ["lora_unet_a_b_c.lora_down.weight"] = randn(2, 4), ["lora_unet_a_b_c.lora_up.weight"] = randn(4, 2) });

        var error = Assert.Throws<InvalidDataException>(() => LoraFusion.Fuse(model, lora.UNetLayers, 1.0));
        Assert.True(error.Message.Contains("lora_unet_a_b_c.lora_down.weight", StringComparison.Ordinal)
            && error.Message.Contains("a_b.c", StringComparison.Ordinal) && error.Message.Contains("a.b_c", StringComparison.Ordinal),
            $"message: expected the key and both candidate paths, seen '{error.Message}'");
        foreach (var (name, value) in model.state_dict())
        {
            var diff = (value - before[name]).abs().max().item<float>();
            Assert.True(diff == 0, $"{name}: expected unchanged after the refused fuse, seen max |diff| {diff:G3}");
        }
    }

    [Fact]
    public void KohyaNameResolvesAgainstRealUnderscores()
    {
        var inner = nn.Linear(4, 6);
        var model = new LoraTestContainer("m", ("time_embedding", new LoraTestContainer("m", ("linear_1", inner))));
        var w0 = inner.weight!.clone();
        var down = randn(3, 4);
        var up = randn(6, 3);
        using var lora = Load(new()
        {
            ["lora_unet_time_embedding_linear_1.lora_down.weight"] = down,
            ["lora_unet_time_embedding_linear_1.lora_up.weight"] = up,
            ["lora_unet_time_embedding_linear_1.alpha"] = tensor(6f),
        });
        var report = LoraFusion.Fuse(model, lora.UNetLayers, 0.5);
        Assert.True(report.ModulePaths.SequenceEqual(["time_embedding.linear_1"]), $"fused: expected [time_embedding.linear_1], seen [{string.Join(", ", report.ModulePaths)}]");
        var expected = w0 + up.matmul(down) * (0.5 * 6 / 3);
        var diff = (expected - inner.weight!).abs().max().item<float>();
        Assert.True(diff <= 1e-5, $"fused weight: expected max |diff| <= 1e-5, seen {diff:G3}");
    }

    [Fact]
    public void SameModuleTwiceInOneCallIsRefused()
    {
        var model = new LoraTestContainer("m", ("to_q", nn.Linear(4, 4)));
        using var lora = Load(new()
        {
            ["lora_unet_to_q.lora_down.weight"] = randn(2, 4),
            ["lora_unet_to_q.lora_up.weight"] = randn(4, 2),
            ["unet.to_q.lora_A.weight"] = randn(2, 4),
            ["unet.to_q.lora_B.weight"] = randn(4, 2),
        });
        var error = Assert.Throws<InvalidDataException>(() => LoraFusion.Fuse(model, lora.UNetLayers, 1.0));
        Assert.True(error.Message.Contains("unet.to_q.lora_A.weight", StringComparison.Ordinal) && error.Message.Contains("lora_unet_to_q.lora_down.weight", StringComparison.Ordinal),
            $"message: expected both keys, seen '{error.Message}'");
    }

    [Fact]
    public void MissingDottedModuleIsRefusedNamingTheKey()
    {
        var model = new LoraTestContainer("m", ("to_q", nn.Linear(4, 4)));
        using var lora = Load(new() { ["unet.to_k.lora.down.weight"] = randn(2, 4), ["unet.to_k.lora.up.weight"] = randn(4, 2) });
        var error = Assert.Throws<InvalidDataException>(() => LoraFusion.Fuse(model, lora.UNetLayers, 1.0));
        Assert.True(error.Message.Contains("unet.to_k.lora.down.weight", StringComparison.Ordinal), $"message: expected the key, seen '{error.Message}'");
    }

    [Fact]
    public void HalfPrecisionWeightIsUpdatedThroughFloat32()
    {
        var linear = nn.Linear(4, 4);
        var model = new LoraTestContainer("m", ("proj", linear));
        model.to(ScalarType.Float16);
        var w0 = linear.weight!.to(ScalarType.Float32);
        var down = randn(2, 4);
        var up = randn(4, 2);
        using var lora = Load(new() { ["unet.proj.lora_A.weight"] = down, ["unet.proj.lora_B.weight"] = up });
        LoraFusion.Fuse(model, lora.UNetLayers, 1.0);
        Assert.True(linear.weight!.dtype == ScalarType.Float16, $"dtype: expected Float16 kept, seen {linear.weight!.dtype}");
        var expected = (w0 + up.matmul(down)).to(ScalarType.Float16).to(ScalarType.Float32);
        var diff = (expected - linear.weight!.to(ScalarType.Float32)).abs().max().item<float>();
        Assert.True(diff == 0, $"fp16 weight: expected the float32 sum rounded once, seen max |diff| {diff:G3}");
    }

    private LoraWeights Load(Dictionary<string, Tensor> tensors)
    {
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".safetensors");
        SafeTensorsWriter.Write(path, tensors);
        return LoraWeights.Load(path);
    }
}
