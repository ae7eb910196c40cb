using System.Buffers.Binary;
using System.Text;
using Pipeline.Models.Checkpoints;

namespace Pipeline.Models.Tests.Checkpoints;

/// <summary>Hostile files: each is built byte by byte here and must be refused with a message that says why.</summary>
public sealed class SafeTensorsHeaderTests : IDisposable
{
    private readonly string _folder = CheckpointFixtures.NewScratchFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, int, string> BadHeaders => new()
    {
        // case, header JSON, data region length, expected message fragment
        { "invalid JSON", "{\"a\": {\"dtype\": \"F32\",", 0, "not valid JSON" },
        { "trailing garbage after JSON", "{} x", 0, "not valid JSON" },
        { "not an object", "[1, 2]", 0, "does not start with '{'" },
        { "offsets past data region", H(T("a", "F32", "[2]", 0, 8)), 4, "outside the data region of 4 bytes" },
        { "overlapping ranges", H(T("a", "F32", "[2]", 0, 8), T("b", "F32", "[2]", 4, 12)), 12, "overlaps tensor 'a' which ends at 8" },
        { "end before begin", H(T("a", "U8", "[0]", 8, 4)), 8, "end before begin" },
        { "gap between tensors", H(T("a", "U8", "[4]", 0, 4), T("b", "U8", "[4]", 8, 12)), 12, "gap: data region bytes [4, 8)" },
        { "gap at start", H(T("a", "U8", "[4]", 4, 8)), 8, "gap: data region bytes [0, 4) before tensor 'a'" },
        { "trailing bytes", H(T("a", "U8", "[4]", 0, 4)), 16, "gap: data region is 16 bytes but the tensors cover only [0, 4)" },
        { "byte count mismatch", H(T("a", "F32", "[3]", 0, 8)), 8, "needs 12 bytes, but data_offsets [0, 8] hold 8" },
        { "negative dim", H(T("a", "F32", "[-1]", 0, 0)), 0, "'shape' entry 0 is -1" },
        { "fractional dim", H(T("a", "F32", "[1.5]", 0, 0)), 0, "'shape' entry 0 is 1.5" },
        { "huge dims overflow", H(T("a", "F32", "[4611686018427387904, 4611686018427387904]", 0, 0)), 0, "overflows a 64-bit byte count" },
        { "dim above long", H(T("a", "U8", "[18446744073709551615]", 0, 0)), 0, "expected a non-negative 64-bit integer" },
        { "negative offset", H(T("a", "U8", "[0]", -1, 0)), 0, "'data_offsets' entry 0 is -1" },
        { "three offsets", "{\"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1, 2]}}", 1, "at most 2 allowed" },
        { "unknown dtype", H(T("a", "Q4", "[1]", 0, 1)), 1, "unknown or unsupported dtype 'Q4'" },
        { "lower-case dtype", H(T("a", "f32", "[1]", 0, 4)), 4, "unknown or unsupported dtype 'f32'" },
        { "missing dtype", "{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4, "has no string 'dtype'" },
        { "missing shape", "{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4, "has no array 'shape'" },
        { "tensor not an object", "{\"a\": 3}", 0, "tensor 'a' is a JSON Number" },
        { "duplicate names", H(T("a", "U8", "[1]", 0, 1), T("a", "U8", "[1]", 1, 2)), 2, "tensor 'a' appears twice" },
        { "duplicate metadata", "{\"__metadata__\": {}, \"__metadata__\": {}}", 0, "'__metadata__' appears twice" },
        { "metadata value not a string", "{\"__metadata__\": {\"n\": 3}}", 0, "entry 'n' is a JSON Number, expected a string" },
        { "rank above 64", H(T("a", "U8", "[" + string.Join(", ", Enumerable.Repeat(1, 65)) + "]", 0, 1)), 1, "65 entries in 'shape', at most 64" },
        { "deep nesting", "{\"a\": " + new string('[', 100) + new string(']', 100) + "}", 0, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void RefusesBadHeader(string name, string header, int dataLength, string expected)
    {
        var path = WriteFile(name, Compose(Encoding.UTF8.GetBytes(header), dataLength));
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsReader.Open(path).Dispose());
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: expected a message containing \"{expected}\", saw \"{error.Message}\"");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void RefusesFileShorterThanLengthPrefix(int length)
    {
        var path = WriteFile("short", new byte[length]);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsReader.Open(path).Dispose());
        Assert.Contains($"file is {length} bytes, shorter than the 8-byte header length prefix", error.Message);
    }

    [Fact]
    public void RefusesHeaderLengthPastEndOfFile()
    {
        var bytes = Compose("{}"u8.ToArray(), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsReader.Open(WriteFile("past-end", bytes)).Dispose());
        Assert.Contains("header length 1000 runs past the end of the file (10 bytes", error.Message);
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void RefusesHeaderLengthAboveCapWithoutAllocatingIt(ulong claimed)
    {
        var bytes = Compose("{}"u8.ToArray(), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimed);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsReader.Open(WriteFile("huge", bytes)).Dispose());
        Assert.Contains($"header length {claimed} exceeds the cap of 100000000 bytes", error.Message);
    }

    [Fact]
    public void RefusesInvalidUtf8()
    {
        var header = Encoding.UTF8.GetBytes(H(T("ab", "U8", "[1]", 0, 1)));
        header[Array.IndexOf(header, (byte)'b')] = 0xFF;
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsReader.Open(WriteFile("utf8", Compose(header, 1))).Dispose());
        Assert.Contains("not valid UTF-8", error.Message);
    }

    [Fact]
    public void AcceptsEmptyHeaderAndZeroSizedTensorsAtOneOffset()
    {
        using (var empty = SafeTensorsReader.Open(WriteFile("empty", Compose("{}"u8.ToArray(), 0))))
        {
            Assert.Empty(empty.Tensors);
            Assert.Empty(empty.Metadata);
        }
        var header = H(T("a", "F32", "[0, 3]", 0, 0), T("b", "U8", "[2]", 0, 2), T("c", "I64", "[0]", 2, 2));
        using var reader = SafeTensorsReader.Open(WriteFile("zero-sized", Compose(Encoding.UTF8.GetBytes(header), 2)));
        Assert.Equal(["a", "b", "c"], reader.Tensors.Select(t => t.Name));
        using var a = reader.ReadTensor("a");
        Assert.Equal(new long[] { 0, 3 }, a.shape);
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        var bytes = SmallValidFile();
        for (var length = 0; length < bytes.Length; length++)
        {
            var path = WriteFile("truncated", bytes[..length]);
            var error = Record.Exception(() => SafeTensorsReader.Open(path).Dispose());
            Assert.True(error is InvalidDataException, $"truncated to {length} of {bytes.Length} bytes: expected InvalidDataException, saw {error?.GetType().Name ?? "success"}");
        }
    }

    [Fact]
    public void RandomCorruptionIsRefusedOrReadsNeverCrashes()
    {
        var original = SmallValidFile();
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        var random = new Random(1234);
        var refused = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(headerEnd)] = (byte)random.Next(256);
            }
            var path = WriteFile("corrupt", bytes);
            var error = Record.Exception(() =>
            {
                using var reader = SafeTensorsReader.Open(path);
                foreach (var tensor in reader.ReadAll().Values)
                {
                    tensor.Dispose();
                }
            });
            Assert.True(error is null or InvalidDataException, $"trial {trial}: expected success or InvalidDataException, saw {error}");
            refused += error is null ? 0 : 1;
        }
        Assert.True(refused > 100, $"expected most corruptions to be refused, saw {refused} of 400");
    }

    private static byte[] SmallValidFile()
    {
        var tensors = new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["weight"] = SafeTensorsWriterTests.Random(TorchSharp.torch.ScalarType.Float32, [2, 3], 1),
            ["count"] = TorchSharp.torch.tensor(5L),
            ["half"] = SafeTensorsWriterTests.Random(TorchSharp.torch.ScalarType.Float16, [3], 2),
        };
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
        return stream.ToArray();
    }

    /// <summary>One tensor entry of a header, without the braces around the header.</summary>
    private static string T(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\": {{\"dtype\": \"{dtype}\", \"shape\": {shape}, \"data_offsets\": [{begin}, {end}]}}";

    /// <summary>A header JSON object holding the given entries.</summary>
    private static string H(params string[] entries) => "{" + string.Join(", ", entries) + "}";

    /// <summary>The 8-byte length prefix, the header, then <paramref name="dataLength"/> zero bytes of data.</summary>
    private static byte[] Compose(byte[] header, int dataLength)
    {
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-')) + ".safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
