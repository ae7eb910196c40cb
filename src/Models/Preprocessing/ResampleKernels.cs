using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// The integer inner loops of <see cref="PillowResize"/>: <c>ImagingResampleHorizontal_8bpc</c> and
/// <c>ImagingResampleVertical_8bpc</c> for three bands. Every channel accumulates
/// <c>2^21 + sum(pixel * weight)</c> in 32 bits and keeps bits 22..29, clamped to 0..255 (Pillow's clip8 table).
/// The SIMD paths do the same integer arithmetic lane by lane, so they give the same bytes as the scalar ones.
/// </summary>
internal static class ResampleKernels
{
    /// <summary>Resamples one RGB row horizontally, output columns [first, first + count) into <paramref name="output"/>.</summary>
    public static void HorizontalRow(ReadOnlySpan<byte> input, ResampleCoefficients c, int first, int count, Span<byte> output)
    {
        if (first < 0 || first + count > c.OutSize || output.Length < count * 3 || input.Length < c.InSize * 3)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Columns [{first}, {first + count}) of {c.OutSize}, input {input.Length} bytes, output {output.Length} bytes.");
        }

        if (Vector128.IsHardwareAccelerated)
        {
            HorizontalRowVector(input, c, first, count, output);
            return;
        }

        var weights = c.Weights;
        var kernelSize = c.KernelSize;
        for (var i = 0; i < count; i++)
        {
            var xx = first + i;
            var k = weights.AsSpan(xx * kernelSize, c.Count[xx]);
            var pixels = input.Slice(c.First[xx] * 3, k.Length * 3);
            int s0 = ResampleCoefficients.Half, s1 = s0, s2 = s0;
            for (int t = 0, p = 0; t < k.Length; t++, p += 3)
            {
                var w = k[t];
                s0 += pixels[p] * w;
                s1 += pixels[p + 1] * w;
                s2 += pixels[p + 2] * w;
            }

            output[i * 3] = Clip(s0);
            output[(i * 3) + 1] = Clip(s1);
            output[(i * 3) + 2] = Clip(s2);
        }
    }

    /// <summary>
    /// Computes output row <paramref name="yy"/> of the vertical pass. <paramref name="input"/> holds input rows from
    /// <paramref name="firstRow"/> on, <paramref name="stride"/> bytes apart; the row's bytes start at
    /// <paramref name="offset"/> and run for <c>output.Length</c> bytes (channels are independent here).
    /// </summary>
    public static void VerticalRow(ReadOnlySpan<byte> input, int stride, int offset, int firstRow, ResampleCoefficients c, int yy, Span<byte> output)
    {
        var k = c.Weights.AsSpan(yy * c.KernelSize, c.Count[yy]);
        var rowBase = ((c.First[yy] - firstRow) * stride) + offset;
        if (rowBase < 0 || (long)rowBase + ((long)(k.Length - 1) * stride) + output.Length > input.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(yy), $"Output row {yy} reads outside the {input.Length}-byte input.");
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            i = VerticalRowVector(input, stride, rowBase, k, output);
        }

        for (; i < output.Length; i++)
        {
            var s = ResampleCoefficients.Half;
            var p = rowBase + i;
            for (var t = 0; t < k.Length; t++, p += stride)
            {
                s += input[p] * k[t];
            }

            output[i] = Clip(s);
        }
    }

    private static void HorizontalRowVector(ReadOnlySpan<byte> input, ResampleCoefficients c, int first, int count, Span<byte> output)
    {
        // One pixel per Vector128<int> as (R, G, B, next pixel's R): the fourth lane is computed and thrown away. A tap
        // whose 4-byte load would pass the end of the row (the row's last pixel) is added without SIMD.
        ref var source = ref MemoryMarshal.GetReference(input);
        var weights = c.Weights;
        var kernelSize = c.KernelSize;
        var half = Vector128.Create(ResampleCoefficients.Half);
        var max = Vector128.Create(255);
        for (var i = 0; i < count; i++)
        {
            var xx = first + i;
            var k = weights.AsSpan(xx * kernelSize, c.Count[xx]);
            var p = c.First[xx] * 3;
            var vectorTaps = p + (k.Length * 3) < input.Length ? k.Length : k.Length - 1;
            var sum = half;
            for (var t = 0; t < vectorTaps; t++, p += 3)
            {
                var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref source, p))).AsByte();
                sum += Widen(bytes) * Vector128.Create(k[t]);
            }

            if (vectorTaps < k.Length)
            {
                var w = k[vectorTaps];
                sum += Vector128.Create(input[p] * w, input[p + 1] * w, input[p + 2] * w, 0);
            }

            var clipped = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(sum, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            output[i * 3] = (byte)clipped.GetElement(0);
            output[(i * 3) + 1] = (byte)clipped.GetElement(1);
            output[(i * 3) + 2] = (byte)clipped.GetElement(2);
        }
    }

    private static int VerticalRowVector(ReadOnlySpan<byte> input, int stride, int rowBase, ReadOnlySpan<int> k, Span<byte> output)
    {
        // 32 output bytes at a time in four Vector256<int> accumulators; returns how many bytes were done.
        ref var source = ref MemoryMarshal.GetReference(input);
        ref var destination = ref MemoryMarshal.GetReference(output);
        var half = Vector256.Create(ResampleCoefficients.Half);
        var max = Vector256.Create(255);
        var i = 0;
        for (; i + 32 <= output.Length; i += 32)
        {
            Vector256<int> a0 = half, a1 = half, a2 = half, a3 = half;
            var p = (nuint)(rowBase + i);
            for (var t = 0; t < k.Length; t++, p += (nuint)stride)
            {
                var w = Vector256.Create(k[t]);
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, p));
                var (q0, q1) = Vector256.Widen(low);
                var (q2, q3) = Vector256.Widen(high);
                a0 += q0.AsInt32() * w;
                a1 += q1.AsInt32() * w;
                a2 += q2.AsInt32() * w;
                a3 += q3.AsInt32() * w;
            }

            var b0 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a0, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            var b1 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a1, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            var b2 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a2, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            var b3 = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(a3, ResampleCoefficients.PrecisionBits), Vector256<int>.Zero), max);
            var bytes = Vector256.Narrow(
                Vector256.Narrow(b0.AsUInt32(), b1.AsUInt32()),
                Vector256.Narrow(b2.AsUInt32(), b3.AsUInt32()));
            bytes.StoreUnsafe(ref destination, (nuint)i);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Widen(Vector128<byte> bytes) =>
        Sse41.IsSupported
            ? Sse41.ConvertToVector128Int32(bytes)
            : Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();

    private static byte Clip(int sum)
    {
        var v = sum >> ResampleCoefficients.PrecisionBits;
        return (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
    }
}
