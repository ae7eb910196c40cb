using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// Writes safetensors files in the layout of the Rust reference writer: <c>__metadata__</c> first in the header,
/// header padded with spaces to a multiple of 8 bytes, tensors ordered by dtype (the reference's dtype rank,
/// largest first: I64, F64, F32, I32, BF16, F16, I16, I8, U8) then by name (ordinal), which keeps every tensor
/// aligned to its element size. Tensors on any device and of any layout are written as contiguous CPU data.
/// </summary>
public static class SafeTensorsWriter
{
    private const long MaxChunkBytes = 1L << 30;

    /// <summary>Writes the file at <paramref name="path"/> (through a temporary file, moved into place when complete).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var partial = path + ".partial-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                Write(stream, tensors, metadata);
            }
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/> (left open).</summary>
    /// <exception cref="ArgumentException">A tensor has a dtype safetensors cannot hold here, or a name is reserved.</exception>
    public static void Write(Stream stream, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; this writer copies bytes as they are");
        }
        var entries = Plan(tensors);
        var header = Header(entries, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var entry in entries)
        {
            WriteData(stream, tensors[entry.Name], entry);
        }
        stream.Flush();
    }

    private static List<SafeTensorInfo> Plan(IReadOnlyDictionary<string, torch.Tensor> tensors)
    {
        var planned = new List<(string Name, SafeTensorDType DType, long[] Shape)>();
        foreach (var (name, tensor) in tensors)
        {
            if (name == "__metadata__")
            {
                throw new ArgumentException("'__metadata__' is reserved for the header's metadata and cannot name a tensor", nameof(tensors));
            }
            ArgumentNullException.ThrowIfNull(tensor, name);
            if (!SafeTensorDTypes.TryFromScalarType(tensor.dtype, out var dtype))
            {
                throw new ArgumentException($"tensor '{name}' has dtype {tensor.dtype}, which this writer does not store", nameof(tensors));
            }
            planned.Add((name, dtype, tensor.shape));
        }
        planned.Sort((a, b) =>
        {
            var byRank = b.DType.ReferenceRank().CompareTo(a.DType.ReferenceRank());
            return byRank != 0 ? byRank : string.CompareOrdinal(a.Name, b.Name);
        });
        var entries = new List<SafeTensorInfo>(planned.Count);
        long offset = 0;
        foreach (var (name, dtype, shape) in planned)
        {
            var bytes = checked(shape.Aggregate(1L, (n, d) => n * d) * dtype.ElementSize());
            entries.Add(new SafeTensorInfo(name, dtype, shape, offset, offset + bytes));
            offset += bytes;
        }
        return entries;
    }

    private static byte[] Header(List<SafeTensorInfo> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names such as "a+b" readable; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType.ToString());
                json.WriteStartArray("shape");
                foreach (var dim in entry.Shape)
                {
                    json.WriteNumberValue(dim);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, torch.Tensor tensor, SafeTensorInfo entry)
    {
        if (entry.ByteLength == 0)
        {
            return;
        }
        // Materialise a contiguous CPU copy only when needed; never dispose the caller's tensor.
        var temporaries = new List<torch.Tensor>();
        try
        {
            var current = tensor;
            if (current.device_type != DeviceType.CPU)
            {
                current = current.cpu();
                temporaries.Add(current);
            }
            if (!current.is_contiguous())
            {
                var contiguous = current.contiguous();
                if (!ReferenceEquals(contiguous, current))
                {
                    temporaries.Add(contiguous);
                }
                current = contiguous;
            }
            if (entry.ByteLength <= MaxChunkBytes)
            {
                stream.Write(current.bytes);
                return;
            }
            var elementSize = entry.DType.ElementSize();
            var chunkElements = MaxChunkBytes / elementSize;
            var flat = current.view(-1);
            temporaries.Add(flat);
            for (long first = 0; first < entry.ElementCount; first += chunkElements)
            {
                using var piece = flat.narrow(0, first, Math.Min(chunkElements, entry.ElementCount - first));
                stream.Write(piece.bytes);
            }
        }
        finally
        {
            foreach (var temporary in temporaries)
            {
                if (!ReferenceEquals(temporary, tensor))
                {
                    temporary.Dispose();
                }
            }
        }
    }
}
