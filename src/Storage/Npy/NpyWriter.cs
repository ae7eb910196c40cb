using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Pipeline.Storage;

/// <summary>
/// Writes float arrays as NPY 1.0 (<c>numpy.load</c> reads them): C order, little-endian <c>&lt;f2</c> or
/// <c>&lt;f4</c>, the header padded so the data starts at a multiple of 64 bytes. Float16 uses <see cref="Half"/>
/// (round to nearest even; values beyond ±65504 become infinities, as in numpy).
/// </summary>
public static class NpyWriter
{
    private const int ChunkElements = 16384;

    /// <summary>Writes a [<paramref name="rows"/>, <paramref name="cols"/>] matrix stored row-major in <paramref name="data"/>.</summary>
    public static void Write(Stream s, ReadOnlySpan<float> data, int rows, int cols, NpyDType dtype) =>
        Write(s, data, [rows, cols], dtype);

    /// <summary>Writes an array of any rank (e.g. [rows, tokens, dim] patch embeddings) stored in C order.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data length.</exception>
    public static void Write(Stream s, ReadOnlySpan<float> data, ReadOnlySpan<int> shape, NpyDType dtype)
    {
        ArgumentNullException.ThrowIfNull(s);
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"NPY shape ({string.Join(", ", shape.ToArray())}) has a negative dimension.", nameof(shape));
            }

            count *= dim;
        }

        if (count != data.Length)
        {
            throw new ArgumentException(
                $"NPY shape ({string.Join(", ", shape.ToArray())}) holds {count} elements but {data.Length} were given.", nameof(data));
        }

        NpyHeader.Write(s, dtype, shape);
        if (dtype == NpyDType.Float32 && BitConverter.IsLittleEndian)
        {
            s.Write(MemoryMarshal.AsBytes(data));
            return;
        }

        var size = NpyHeader.ElementSize(dtype);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * size);
        try
        {
            for (var start = 0; start < data.Length; start += ChunkElements)
            {
                var chunk = data.Slice(start, Math.Min(ChunkElements, data.Length - start));
                var bytes = buffer.AsSpan(0, chunk.Length * size);
                if (dtype == NpyDType.Float16 && BitConverter.IsLittleEndian)
                {
                    var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        halves[i] = (Half)chunk[i];
                    }
                }
                else if (dtype == NpyDType.Float16)
                {
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        BinaryPrimitives.WriteHalfLittleEndian(bytes[(2 * i)..], (Half)chunk[i]);
                    }
                }
                else
                {
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], chunk[i]);
                    }
                }

                s.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
