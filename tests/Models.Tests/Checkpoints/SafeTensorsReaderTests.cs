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

    // Bytes written by hand, so a swapped dtype mapping (F16/BF16, U8/I8, ...) cannot survive as it could a round trip.
    [Fact]
    public void DecodesEveryDTypeFromHandWrittenBytes()
    {
        var entries = new (string Name, string DType, byte[] Bytes, double[] Expected)[]
        {
            ("f64", "F64", [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0], [1.0, -2.0]),
            ("i64", "I64", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 0, 0, 0, 0, 0], [-1, 256]),
            ("f32", "F32", [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0], [1.0, -2.0]),
            ("i32", "I32", [0xFE, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0, 0], [-2, 513]),
            ("bf16", "BF16", [0x80, 0x3F, 0x00, 0xC0], [1.0, -2.0]),
            ("f16", "F16", [0x00, 0x3C, 0x00, 0xC0], [1.0, -2.0]),
            ("i16", "I16", [0xFF, 0xFF, 0x00, 0x01], [-1, 256]),
            ("i8", "I8", [0xFF, 0x7F], [-1, 127]),
            ("u8", "U8", [0xFF, 0x7F], [255, 127]),
        };
        var header = new System.Text.StringBuilder("{");
        var data = new List<byte>();
        foreach (var (name, dtype, bytes, _) in entries)
        {
            header.Append($"\"{name}\": {{\"dtype\": \"{dtype}\", \"shape\": [2], \"data_offsets\": [{data.Count}, {data.Count + bytes.Length}]}},");
            data.AddRange(bytes);
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToString().TrimEnd(',') + "}");
        var file = new byte[8 + json.Length + data.Count];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        var folder = CheckpointFixtures.NewScratchFolder();
        try
        {
            var path = Path.Combine(folder, "dtypes.safetensors");
            File.WriteAllBytes(path, file);
            using var reader = SafeTensorsReader.Open(path);
            foreach (var (name, dtype, _, expected) in entries)
            {
                using var tensor = reader.ReadTensor(name);
                Assert.True(SafeTensorDTypes.TryParse(dtype, out var parsed));
                Assert.Equal(parsed.ToScalarType(), tensor.dtype);
                using var asDouble = tensor.to_type(torch.ScalarType.Float64);
                Assert.Equal(expected, asDouble.data<double>().ToArray());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ConcurrentReadsAgreeWithSequentialReads()
    {
        using var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("efficientnetv2_tiny", "weights_timm.safetensors"));
        var expected = reader.Tensors.ToDictionary(t => t.Name, t =>
        {
            using var tensor = reader.ReadTensor(t.Name);
            return tensor.bytes.ToArray();
        });
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, worker =>
        {
            foreach (var info in reader.Tensors.Skip(worker).Concat(reader.Tensors.Take(worker)))
            {
                using var tensor = reader.ReadTensor(info.Name);
                if (!tensor.bytes.SequenceEqual(expected[info.Name]))
                {
                    mismatches.Add(info.Name);
                }
            }
        });
        Assert.True(mismatches.IsEmpty, $"expected identical bytes from every thread, saw differences in {string.Join(", ", mismatches.Distinct())}");
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
