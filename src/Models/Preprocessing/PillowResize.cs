using Pipeline.Models.Registry;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Pillow's <c>Image.resize</c> for 8-bit RGB (<c>ImagingResample</c> in libImaging/Resample.c), ported so the output
/// bytes are identical: a separable filter, horizontal pass first, each pass accumulated in 32-bit fixed point with
/// 22 fraction bits and rounded + clamped to uint8; a pass is skipped when its axis keeps its size. Hand-written
/// because no .NET library reproduces Pillow's antialiased kernels bit for bit, and the models were trained on them.
/// </summary>
public static class PillowResize
{
    /// <summary>Resizes HWC RGB bytes to <paramref name="newWidth"/> x <paramref name="newHeight"/>.</summary>
    public static byte[] Resize(byte[] rgb, int width, int height, int newWidth, int newHeight, Interpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newHeight);
        var destination = new byte[checked(newWidth * newHeight * 3)];
        ResizeRegion(rgb, width, height, newWidth, newHeight, interpolation, 0, 0, newWidth, newHeight, destination);
        return destination;
    }

    /// <summary>
    /// Writes only the rectangle at (<paramref name="left"/>, <paramref name="top"/>) of size
    /// <paramref name="regionWidth"/> x <paramref name="regionHeight"/> of the resized image into
    /// <paramref name="destination"/> (HWC RGB, that rectangle's size). The bytes equal a crop of the full
    /// <see cref="Resize"/>, but only the input rows and output columns the rectangle needs are computed.
    /// </summary>
    public static void ResizeRegion(
        ReadOnlySpan<byte> rgb,
        int width,
        int height,
        int newWidth,
        int newHeight,
        Interpolation interpolation,
        int left,
        int top,
        int regionWidth,
        int regionHeight,
        Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newHeight);
        if ((long)width * height * 3 != rgb.Length)
        {
            throw new ArgumentException($"A {width}x{height} RGB image has {(long)width * height * 3} bytes, the input has {rgb.Length}.", nameof(rgb));
        }

        if (left < 0 || top < 0 || regionWidth <= 0 || regionHeight <= 0 || left + regionWidth > newWidth || top + regionHeight > newHeight)
        {
            throw new ArgumentOutOfRangeException(
                nameof(left),
                $"Region ({left},{top}) {regionWidth}x{regionHeight} is not inside the {newWidth}x{newHeight} output.");
        }

        if ((long)regionWidth * regionHeight * 3 != destination.Length)
        {
            throw new ArgumentException($"A {regionWidth}x{regionHeight} region needs {(long)regionWidth * regionHeight * 3} bytes, the destination has {destination.Length}.", nameof(destination));
        }

        var needHorizontal = newWidth != width;
        var needVertical = newHeight != height;
        var vertical = needVertical ? ResampleCoefficients.Get(height, newHeight, interpolation) : null;

        // Input rows the region needs (Pillow's ybox_first / ybox_last, restricted to the region's output rows).
        int rowStart = top, rowEnd = top + regionHeight;
        if (vertical is not null)
        {
            rowStart = vertical.First[top];
            rowEnd = 0;
            for (var yy = top; yy < top + regionHeight; yy++)
            {
                rowEnd = Math.Max(rowEnd, vertical.First[yy] + vertical.Count[yy]);
            }
        }

        var rowBytes = regionWidth * 3;
        byte[]? rented = null;
        try
        {
            // The horizontal pass output: rows [rowStart, rowEnd) of the intermediate image, region columns only.
            ReadOnlySpan<byte> intermediate;
            int stride, offset, firstRow;
            if (needHorizontal)
            {
                var horizontal = ResampleCoefficients.Get(width, newWidth, interpolation);
                var rows = rowEnd - rowStart;
                rented = ByteBuffers.Rent(rows * rowBytes);
                var temp = rented.AsSpan(0, rows * rowBytes);
                for (var y = 0; y < rows; y++)
                {
                    ResampleKernels.HorizontalRow(
                        rgb.Slice((rowStart + y) * width * 3, width * 3), horizontal, left, regionWidth, temp.Slice(y * rowBytes, rowBytes));
                }

                intermediate = temp;
                (stride, offset, firstRow) = (rowBytes, 0, rowStart);
            }
            else
            {
                intermediate = rgb;
                (stride, offset, firstRow) = (width * 3, left * 3, 0);
            }

            for (var yy = 0; yy < regionHeight; yy++)
            {
                var output = destination.Slice(yy * rowBytes, rowBytes);
                if (vertical is null)
                {
                    intermediate.Slice(((top + yy - firstRow) * stride) + offset, rowBytes).CopyTo(output);
                }
                else
                {
                    ResampleKernels.VerticalRow(intermediate, stride, offset, firstRow, vertical, top + yy, output);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ByteBuffers.Return(rented);
            }
        }
    }
}
