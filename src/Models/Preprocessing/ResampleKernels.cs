namespace Pipeline.Models.Preprocessing;

/// <summary>
/// The integer inner loops of <see cref="PillowResize"/>: <c>ImagingResampleHorizontal_8bpc</c> and
/// <c>ImagingResampleVertical_8bpc</c> for three bands. Every channel accumulates
/// <c>2^21 + sum(pixel * weight)</c> in 32 bits and keeps bits 22..29, clamped to 0..255 (Pillow's clip8 table).
/// </summary>
internal static class ResampleKernels
{
    /// <summary>Resamples one RGB row horizontally, output columns [first, first + count) into <paramref name="output"/>.</summary>
    public static void HorizontalRow(ReadOnlySpan<byte> input, ResampleCoefficients c, int first, int count, Span<byte> output)
    {
        var weights = c.Weights;
        var kernelSize = c.KernelSize;
        for (var i = 0; i < count; i++)
        {
            var xx = first + i;
            var taps = c.Count[xx];
            var k = weights.AsSpan(xx * kernelSize, taps);
            var pixels = input.Slice(c.First[xx] * 3, taps * 3);
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
        var taps = c.Count[yy];
        var k = c.Weights.AsSpan(yy * c.KernelSize, taps);
        var rowBase = ((c.First[yy] - firstRow) * stride) + offset;
        for (var i = 0; i < output.Length; i++)
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

    private static byte Clip(int sum)
    {
        var v = sum >> ResampleCoefficients.PrecisionBits;
        return (uint)v <= 255 ? (byte)v : v < 0 ? (byte)0 : (byte)255;
    }
}
