using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>
/// The NPY header: magic, version, header length and the Python dict literal numpy writes. Hand-written because the
/// format is tiny and fixed and no maintained .NET package writes it (numpy's own spec:
/// numpy/lib/format.py); only C-order little-endian float arrays are produced or accepted.
/// </summary>
internal static partial class NpyHeader
{
    /// <summary>Data starts at a multiple of this many bytes (numpy's ARRAY_ALIGN).</summary>
    public const int Alignment = 64;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The numpy <c>descr</c> of a dtype.</summary>
    public static string Descr(NpyDType dtype) => dtype switch
    {
        NpyDType.Float16 => "<f2",
        NpyDType.Float32 => "<f4",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown NPY dtype."),
    };

    /// <summary>Bytes per element of a dtype.</summary>
    public static int ElementSize(NpyDType dtype) => dtype == NpyDType.Float16 ? 2 : 4;

    /// <summary>Writes a version 1.0 header; the dict is space-padded and ends in '\n' so data starts aligned.</summary>
    public static void Write(Stream stream, NpyDType dtype, ReadOnlySpan<int> shape)
    {
        var dims = shape.Length == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '{Descr(dtype)}', 'fortran_order': False, 'shape': ({dims}), }}";
        const int preamble = 10; // magic (6) + version (2) + header length (2)
        var total = (preamble + dict.Length + 1 + Alignment - 1) / Alignment * Alignment;
        var headerLength = total - preamble;
        if (headerLength > ushort.MaxValue)
        {
            throw new ArgumentException($"An NPY 1.0 header holds at most {ushort.MaxValue} bytes; this shape needs {headerLength}.", nameof(shape));
        }

        Span<byte> head = stackalloc byte[preamble];
        Magic.CopyTo(head);
        head[6] = 1;
        head[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(head[8..], (ushort)headerLength);
        stream.Write(head);
        stream.Write(Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1) + "\n"));
    }

    /// <summary>Reads a version 1.0, 2.0 or 3.0 header and returns the dtype and shape.</summary>
    /// <exception cref="InvalidDataException">Not an NPY file, or an array layout this reader does not handle.</exception>
    public static (NpyDType DType, int[] Shape) Read(Stream stream)
    {
        Span<byte> head = stackalloc byte[8];
        stream.ReadExactly(head);
        if (!head[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not an NPY file: the magic string \\x93NUMPY is missing.");
        }

        int length;
        if (head[6] == 1)
        {
            Span<byte> len = stackalloc byte[2];
            stream.ReadExactly(len);
            length = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (head[6] is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            stream.ReadExactly(len);
            length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(len));
        }
        else
        {
            throw new InvalidDataException($"NPY version {head[6]}.{head[7]} is not supported (1.0, 2.0 and 3.0 are).");
        }

        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        var dict = Encoding.UTF8.GetString(bytes);
        var descr = DescrPattern().Match(dict);
        var fortran = FortranPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new InvalidDataException($"NPY header is not a dict with descr, fortran_order and shape: {dict.Trim()}");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException("NPY arrays in Fortran order are not supported; save the array in C order.");
        }

        var dtype = descr.Groups[1].Value switch
        {
            "<f2" => NpyDType.Float16,
            "<f4" => NpyDType.Float32,
            var other => throw new InvalidDataException($"NPY dtype '{other}' is not supported ('<f2' and '<f4' are)."),
        };
        var dims = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new InvalidDataException($"NPY shape ({shape.Groups[1].Value}) has a dimension that is not a non-negative int: '{d}'."))
            .ToArray();
        return (dtype, dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
