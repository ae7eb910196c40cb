using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Pipeline.Models.Checkpoints;

/// <summary>
/// A parsed and validated safetensors header. Validation follows the Rust reference implementation: the data
/// region must be covered exactly (no gaps, no overlaps, nothing past its end) and every range must hold
/// <c>numel x element size</c> bytes. Everything wrong with a file is reported as <see cref="InvalidDataException"/>
/// before any tensor memory is allocated.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>Largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Largest tensor rank accepted (libtorch's own limit is 64 too).</summary>
    public const int MaxRank = 64;

    private SafeTensorsHeader(long headerLength, IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        HeaderLength = headerLength;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>N: the length of the JSON header that follows the 8-byte length prefix.</summary>
    public long HeaderLength { get; }

    /// <summary>Offset of the data region from the start of the file (8 + N).</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>Tensor entries in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads the header length prefix and checks it against the file size and the cap.</summary>
    /// <param name="prefix">The first 8 bytes of the file (fewer when the file is shorter).</param>
    /// <param name="fileLength">Total file length in bytes.</param>
    /// <param name="source">File name for error messages.</param>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        if (fileLength < 8 || prefix.Length < 8)
        {
            throw Invalid(source, $"file is {fileLength} bytes, shorter than the 8-byte header length prefix");
        }
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
        {
            throw Invalid(source, $"header length {n} exceeds the cap of {MaxHeaderLength} bytes");
        }
        if ((long)n > fileLength - 8)
        {
            throw Invalid(source, $"header length {n} runs past the end of the file ({fileLength} bytes, at most {fileLength - 8} available)");
        }
        return (long)n;
    }

    /// <summary>Parses and validates the JSON header.</summary>
    /// <param name="json">The N header bytes.</param>
    /// <param name="dataLength">Length of the data region: file length - 8 - N.</param>
    /// <param name="source">File name for error messages.</param>
    public static SafeTensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength, string source)
    {
        if (!Utf8.IsValid(json.Span))
        {
            throw Invalid(source, "header is not valid UTF-8");
        }
        if (json.Length == 0 || json.Span[0] != (byte)'{')
        {
            throw Invalid(source, "header does not start with '{'");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, $"header is a JSON {root.ValueKind}, expected an object");
            }
            var tensors = new List<SafeTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (metadata is not null)
                    {
                        throw Invalid(source, "'__metadata__' appears twice");
                    }
                    metadata = ParseMetadata(property.Value, source);
                    continue;
                }
                if (!names.Add(property.Name))
                {
                    throw Invalid(source, $"tensor '{property.Name}' appears twice");
                }
                tensors.Add(ParseTensor(property.Name, property.Value, dataLength, source));
            }
            CheckCoverage(tensors, dataLength, source);
            return new SafeTensorsHeader(json.Length, tensors, metadata ?? new Dictionary<string, string>());
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"'__metadata__' is a JSON {element.ValueKind}, expected an object of strings");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(source, $"'__metadata__' entry '{entry.Name}' is a JSON {entry.Value.ValueKind}, expected a string");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Invalid(source, $"'__metadata__' entry '{entry.Name}' appears twice");
            }
        }
        return metadata;
    }

    private static SafeTensorInfo ParseTensor(string name, JsonElement element, long dataLength, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"tensor '{name}' is a JSON {element.ValueKind}, expected an object");
        }
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(source, $"tensor '{name}' has no string 'dtype'");
        }
        var dtypeText = dtypeElement.GetString()!;
        if (!SafeTensorDTypes.TryParse(dtypeText, out var dtype))
        {
            throw Invalid(source, $"tensor '{name}' has unknown or unsupported dtype '{dtypeText}'");
        }
        var shape = ReadIntegers(element, "shape", name, source, maxCount: MaxRank);
        var offsets = ReadIntegers(element, "data_offsets", name, source, maxCount: 2);
        if (offsets.Length != 2)
        {
            throw Invalid(source, $"tensor '{name}' has {offsets.Length} data_offsets, expected 2 ([begin, end])");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw Invalid(source, $"tensor '{name}' has data_offsets [{begin}, {end}]: end before begin");
        }
        if (end > dataLength)
        {
            throw Invalid(source, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the data region of {dataLength} bytes");
        }
        long bytes = dtype.ElementSize();
        foreach (var dim in shape)
        {
            // Overflow-safe: a product past long.MaxValue is certainly larger than any real data region.
            if (dim != 0 && bytes > long.MaxValue / dim)
            {
                throw Invalid(source, $"tensor '{name}' shape {Describe(shape)} x {dtype} overflows a 64-bit byte count");
            }
            bytes *= dim;
        }
        if (bytes != end - begin)
        {
            throw Invalid(source, $"tensor '{name}' shape {Describe(shape)} x {dtype} needs {bytes} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");
        }
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement tensor, string field, string name, string source, int maxCount)
    {
        if (!tensor.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(source, $"tensor '{name}' has no array '{field}'");
        }
        var count = array.GetArrayLength();
        if (count > maxCount)
        {
            throw Invalid(source, $"tensor '{name}' has {count} entries in '{field}', at most {maxCount} allowed");
        }
        var values = new long[count];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw Invalid(source, $"tensor '{name}' '{field}' entry {i} is {item.GetRawText()}, expected a non-negative 64-bit integer");
            }
            values[i++] = value;
        }
        return values;
    }

    private static void CheckCoverage(List<SafeTensorInfo> tensors, long dataLength, string source)
    {
        var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long covered = 0;
        string? previous = null;
        foreach (var tensor in ordered)
        {
            if (tensor.Begin < covered)
            {
                throw Invalid(source, $"tensor '{tensor.Name}' [{tensor.Begin}, {tensor.End}] overlaps tensor '{previous}' which ends at {covered}");
            }
            if (tensor.Begin > covered)
            {
                throw Invalid(source, previous is null
                    ? $"gap: data region bytes [0, {tensor.Begin}) before tensor '{tensor.Name}' belong to no tensor"
                    : $"gap: data region bytes [{covered}, {tensor.Begin}) between tensors '{previous}' and '{tensor.Name}' belong to no tensor");
            }
            covered = tensor.End;
            previous = tensor.Name;
        }
        if (covered != dataLength)
        {
            throw Invalid(source, $"gap: data region is {dataLength} bytes but the tensors cover only [0, {covered})");
        }
    }

    internal static InvalidDataException Invalid(string source, string message, Exception? inner = null) =>
        new($"safetensors '{source}': {message}", inner);

    internal static string Describe(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
