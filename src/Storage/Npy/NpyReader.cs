using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

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
            count = Math.Min(count * dim, long.MaxValue / int.MaxValue);
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"NPY array of {count} elements is larger than one .NET array can hold.");
        }

        var data = new float[count];
        try
        {
            if (dtype == NpyDType.Float32 && BitConverter.IsLittleEndian)
            {
                s.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            }
            else
            {
                ReadConverted(s, dtype, data);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException(
                $"NPY data is truncated: the header promises {count} elements of {NpyHeader.ElementSize(dtype)} bytes.", e);
        }

        return (data, shape, dtype);
    }

    /// <summary>Reads elements chunk by chunk, widening float16 and swapping bytes on big-endian machines.</summary>
    private static void ReadConverted(Stream s, NpyDType dtype, float[] data)
    {
        const int chunkElements = 16384;
        var size = NpyHeader.ElementSize(dtype);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkElements * size);
        try
        {
            for (var start = 0; start < data.Length; start += chunkElements)
            {
                var target = data.AsSpan(start, Math.Min(chunkElements, data.Length - start));
                var bytes = buffer.AsSpan(0, target.Length * size);
                s.ReadExactly(bytes);
                if (dtype == NpyDType.Float16 && BitConverter.IsLittleEndian)
                {
                    var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                    for (var i = 0; i < target.Length; i++)
                    {
                        target[i] = (float)halves[i];
                    }
                }
                else
                {
                    for (var i = 0; i < target.Length; i++)
                    {
                        target[i] = dtype == NpyDType.Float16
                            ? (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..])
                            : BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
