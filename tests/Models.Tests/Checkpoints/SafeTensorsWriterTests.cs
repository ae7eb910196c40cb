using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pipeline.Models.Checkpoints;
using TorchSharp;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class SafeTensorsWriterTests : IDisposable
{
    private readonly string _folder = CheckpointFixtures.NewScratchFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<torch.ScalarType, long[]> DTypesAndShapes()
    {
        var data = new TheoryData<torch.ScalarType, long[]>();
        torch.ScalarType[] types =
        [
            torch.ScalarType.Float32, torch.ScalarType.Float16, torch.ScalarType.BFloat16, torch.ScalarType.Int64,
            torch.ScalarType.Byte, torch.ScalarType.Float64, torch.ScalarType.Int32, torch.ScalarType.Int16, torch.ScalarType.Int8,
        ];
        foreach (var type in types)
        {
            data.Add(type, []);
            data.Add(type, [0]);
            data.Add(type, [3, 0, 2]);
            data.Add(type, [2, 3, 5]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DTypesAndShapes))]
    public void RoundTripsEveryDTypeBitForBit(torch.ScalarType type, long[] shape)
    {
        using var original = Random(type, shape, seed: 11);
        var path = Path.Combine(_folder, "one.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["x"] = original });

        using var reader = SafeTensorsReader.Open(path);
        using var back = reader.ReadTensor("x");
        Assert.Equal(type, back.dtype);
        Assert.Equal(shape, back.shape);
        Assert.Equal(original.bytes.ToArray(), back.bytes.ToArray());
    }

    [Fact]
    public void LaysOutLikeTheReferenceWriter()
    {
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["b.weight"] = Random(torch.ScalarType.Float32, [3], 1),
            ["a.weight"] = Random(torch.ScalarType.Float32, [5], 2),
            ["count"] = torch.tensor(7L),
            ["pixels"] = Random(torch.ScalarType.Byte, [3], 3),
            ["half"] = Random(torch.ScalarType.Float16, [3], 4),
            ["bhalf"] = Random(torch.ScalarType.BFloat16, [1], 5),
        };
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt", ["a+b"] = "<x>" });
        var bytes = stream.ToArray();

        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.True(n % 8 == 0, $"expected the header length to be a multiple of 8, saw {n}");
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.True(header.TrimEnd(' ').EndsWith('}'), $"expected space padding after the JSON, saw \"{header[^10..]}\"");
        Assert.StartsWith("{\"__metadata__\":{\"a+b\":\"<x>\",\"format\":\"pt\"}", header);
        using var document = JsonDocument.Parse(header);
        var order = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["__metadata__", "count", "a.weight", "b.weight", "bhalf", "half", "pixels"], order);

        var path = Path.Combine(_folder, "layout.safetensors");
        File.WriteAllBytes(path, bytes);
        using var reader = SafeTensorsReader.Open(path);
        foreach (var info in reader.Tensors)
        {
            Assert.True((reader.DataStart + info.Begin) % info.DType.ElementSize() == 0, $"{info.Name}: expected file offset aligned to {info.DType.ElementSize()}, saw {reader.DataStart + info.Begin}");
            using var back = reader.ReadTensor(info.Name);
            Assert.Equal(tensors[info.Name].bytes.ToArray(), back.bytes.ToArray());
        }
        Assert.Equal("<x>", reader.Metadata["a+b"]);
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void StreamAndFileOutputAreIdenticalAndNoMetadataMeansNone()
    {
        using var tensor = Random(torch.ScalarType.Float32, [4, 4], 9);
        var tensors = new Dictionary<string, torch.Tensor> { ["t"] = tensor };
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors);
        var path = Path.Combine(_folder, "same.safetensors");
        SafeTensorsWriter.Write(path, tensors);
        Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder));
        using var reader = SafeTensorsReader.Open(path);
        Assert.Empty(reader.Metadata);
    }

    [Fact]
    public void WritesNonContiguousTensorsInLogicalOrder()
    {
        using var matrix = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3);
        using var transposed = matrix.t();
        Assert.False(transposed.is_contiguous());
        var path = Path.Combine(_folder, "t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["t"] = transposed });
        using var reader = SafeTensorsReader.Open(path);
        using var back = reader.ReadTensor("t");
        Assert.Equal(new long[] { 3, 2 }, back.shape);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, back.data<float>().ToArray());
        Assert.False(transposed.IsInvalid);
    }

    [Fact]
    public void RewritesFixtureWithoutChange()
    {
        using var reader = SafeTensorsReader.Open(CheckpointFixtures.Model("efficientnetv2_tiny", "weights_timm.safetensors"));
        var all = reader.ReadAll();
        var path = Path.Combine(_folder, "rewritten.safetensors");
        SafeTensorsWriter.Write(path, all, reader.Metadata);
        using var again = SafeTensorsReader.Open(path);
        Assert.Equal(reader.Metadata, again.Metadata);
        Assert.Equal(reader.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), again.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in all)
        {
            using var back = again.ReadTensor(name);
            Assert.True(tensor.bytes.SequenceEqual(back.bytes), $"{name}: expected the same bytes after a rewrite");
            tensor.Dispose();
        }
    }

    [Fact]
    public void RefusesUnsupportedDTypeAndReservedName()
    {
        using var flags = torch.ones(2, dtype: torch.ScalarType.Bool);
        var error = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(new MemoryStream(), new Dictionary<string, torch.Tensor> { ["flags"] = flags }));
        Assert.Contains("tensor 'flags' has dtype Bool", error.Message);

        using var x = torch.ones(1);
        error = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(new MemoryStream(), new Dictionary<string, torch.Tensor> { ["__metadata__"] = x }));
        Assert.Contains("'__metadata__' is reserved", error.Message);
    }

    /// <summary>Random bits reinterpreted as <paramref name="type"/>, so every byte pattern a file can hold is exercised.</summary>
    internal static torch.Tensor Random(torch.ScalarType type, long[] shape, int seed)
    {
        var tensor = torch.empty(shape, type);
        var bytes = new byte[tensor.numel() * tensor.element_size()];
        new Random(seed).NextBytes(bytes);
        if (bytes.Length > 0)
        {
            tensor.bytes = bytes;
        }
        return tensor;
    }
}
