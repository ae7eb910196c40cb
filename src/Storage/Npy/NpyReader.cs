using System.Buffers.Binary;

namespace Pipeline.Storage;

/// <summary>
/// Reads NPY files of little-endian <c>&lt;f2</c> or <c>&lt;f4</c> arrays in C order (what <see cref="NpyWriter"/> and
/// <c>numpy.save</c> write), widening float16 to float.
/// </summary>
public static class NpyReader
{
    /// <summary>Reads the array; <c>Shape</c> is as stored (a matrix is [rows, cols]).</summary>
    /// <exception cref="InvalidDataException">Not an NPY file, an unsupported layout, or truncated data.</exception>
    public static (float[] Data, int[] Shape, NpyDType DType) Read(Stream s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var (dtype, shape) = NpyHeader.Read(s);
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"NPY array of {count} elements is larger than one .NET array can hold.");
        }

        var size = NpyHeader.ElementSize(dtype);
        var bytes = new byte[count * size];
        try
        {
            s.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"NPY data is truncated: the header promises {count} elements of {size} bytes.", e);
        }

        var data = new float[count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = dtype == NpyDType.Float16
                ? (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i))
                : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        }

        return (data, shape, dtype);
    }
}
