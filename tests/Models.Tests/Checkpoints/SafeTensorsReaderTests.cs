using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class SafeTensorsReaderTests
{
    // Expected values decoded by hand (Python struct over the raw bytes, no safetensors library) from the fixtures.
    [Fact]
    public void ReadsConvNeXtFixtureWithMetadataAndValues()
    {
        using var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("convnext_v1_tiny", "weights_timm.safetensors"));
        Assert.Equal(65, reader.Tensors.Count);
        Assert.Equal("head.fc.bias", reader.Tensors[0].Name);
        Assert.Equal("timm", reader.Metadata["naming"]);
        Assert.Equal("convnext_tiny", reader.Metadata["timm_model"]);

        using var stem = reader.ReadTensor("stem.0.weight");
        Assert.Equal(torch.ScalarType.Float32, stem.dtype);
        Assert.Equal(new long[] { 16, 3, 4, 4 }, stem.shape);
        var values = stem.data<float>().ToArray();
        Assert.Equal(0.10484880208969116f, values[0]);
        Assert.Equal(0.12430886924266815f, values[^1]);
        Assert.Equal(4.396093084742461, values.Sum(v => (double)v), 9);

        using var bias = reader.ReadTensor("head.fc.bias");
        Assert.Equal(
            new[] { -0.06366083770990372f, 0.08097689598798752f, -0.04363126680254936f, -0.0009682203526608646f, 0.02744816616177559f, 0.024520404636859894f, -0.12101268768310547f },
            bias.data<float>().ToArray());
    }

    [Fact]
    public void ReadsEfficientNetFixtureWithZeroDimInt64()
    {
        using var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("efficientnetv2_tiny", "weights_timm.safetensors"));
        Assert.Equal(288, reader.Tensors.Count);
        Assert.Equal(41, reader.Tensors.Count(t => t.DType == SafeTensorDType.I64));

        using var tracked = reader.ReadTensor("blocks.0.0.bn1.num_batches_tracked");
        Assert.Equal(torch.ScalarType.Int64, tracked.dtype);
        Assert.Equal(0, tracked.Dimensions);
        Assert.Equal(69048L, tracked.item<long>());

        var all = reader.ReadAll();
        try
        {
            Assert.Equal(reader.Tensors.Select(t => t.Name), all.Keys);
            Assert.Equal(294912L, all.Values.Sum(t => t.numel()));
            var stem = all["conv_stem.weight"].data<float>().ToArray();
            Assert.Equal(-0.12214212864637375f, stem[0]);
            Assert.Equal(0.34151607751846313f, stem[^1]);
            Assert.Equal(1.182287911477033, stem.Sum(v => (double)v), 9);
        }
        finally
        {
            foreach (var tensor in all.Values)
            {
                tensor.Dispose();
            }
        }
    }

    [Fact]
    public void UnknownNameIsKeyNotFoundNamingIt()
    {
        using var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("convnext_v1_tiny", "weights_timm.safetensors"));
        var error = Assert.Throws<KeyNotFoundException>(() => reader.ReadTensor("no.such.weight"));
        Assert.Contains("no.such.weight", error.Message);
    }

    [Fact]
    public void ReadAfterDisposeThrowsObjectDisposed()
    {
        var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("convnext_v1_tiny", "weights_timm.safetensors"));
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadTensor("head.fc.bias"));
    }
}
