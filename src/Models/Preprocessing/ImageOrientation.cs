using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SkiaSharp;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Drops alpha from RGBA and applies an EXIF orientation in the same pass (or orients RGB). Hand-written because Skia would need a
/// canvas draw (with resampling settings and a second RGBA buffer) for what is an index permutation; the mapping is
/// the one of <c>PIL.ImageOps.exif_transpose</c>.
/// </summary>
internal static class ImageOrientation
{
    /// <summary>True when the orientation swaps width and height (EXIF 5-8).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Returns oriented RGB bytes of an RGBA8888 image stored row-major with the given size.</summary>
    public static byte[] RgbaToOrientedRgb(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin, out int outWidth, out int outHeight)
    {
        var rgb = GC.AllocateUninitializedArray<byte>(width * height * 3);
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            (outWidth, outHeight) = (width, height);
            DropAlpha(rgba[..(width * height * 4)], rgb);
            return rgb;
        }

        Permute(rgba, 4, width, height, origin, rgb, out outWidth, out outHeight);
        return rgb;
    }

    /// <summary>Returns <paramref name="rgb"/> itself when the orientation is the stored one, else new oriented bytes.</summary>
    public static byte[] OrientRgb(byte[] rgb, int width, int height, SKEncodedOrigin origin, out int outWidth, out int outHeight)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            (outWidth, outHeight) = (width, height);
            return rgb;
        }

        var oriented = GC.AllocateUninitializedArray<byte>(width * height * 3);
        Permute(rgb, 3, width, height, origin, oriented, out outWidth, out outHeight);
        return oriented;
    }

    private static void Permute(ReadOnlySpan<byte> source, int channels, int width, int height, SKEncodedOrigin origin, Span<byte> rgb, out int outWidth, out int outHeight)
    {
        var swap = SwapsAxes(origin);
        outWidth = swap ? height : width;
        outHeight = swap ? width : height;

        // For output pixel (x, y) the source pixel is (sx, sy) = (ax + bx * x + cx * y, ay + by * x + cy * y).
        var (ax, bx, cx, ay, by, cy) = origin switch
        {
            SKEncodedOrigin.TopRight => (width - 1, -1, 0, 0, 0, 1),             // 2: flip left-right
            SKEncodedOrigin.BottomRight => (width - 1, -1, 0, height - 1, 0, -1), // 3: rotate 180
            SKEncodedOrigin.BottomLeft => (0, 1, 0, height - 1, 0, -1),           // 4: flip top-bottom
            SKEncodedOrigin.LeftTop => (0, 0, 1, 0, 1, 0),                        // 5: transpose
            SKEncodedOrigin.RightTop => (0, 0, 1, height - 1, -1, 0),             // 6: rotate 90 clockwise
            SKEncodedOrigin.RightBottom => (width - 1, 0, -1, height - 1, -1, 0), // 7: transverse
            SKEncodedOrigin.LeftBottom => (width - 1, 0, -1, 0, 1, 0),            // 8: rotate 90 counter-clockwise
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown EXIF orientation."),
        };

        var o = 0;
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                var sx = ax + bx * x + cx * y;
                var sy = ay + by * x + cy * y;
                var s = (sy * width + sx) * channels;
                rgb[o] = source[s];
                rgb[o + 1] = source[s + 1];
                rgb[o + 2] = source[s + 2];
                o += 3;
            }
        }
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var pixels = rgb.Length / 3;
        int i = 0, s = 0, d = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // Four pixels per step: 16 bytes in, 12 out; the 16-byte store's last 4 bytes are rewritten by the next step.
            var keep = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0xFF, 0xFF, 0xFF, 0xFF);
            ref var source = ref MemoryMarshal.GetReference(rgba);
            ref var destination = ref MemoryMarshal.GetReference(rgb);
            for (; s + 16 <= rgba.Length && d + 16 <= rgb.Length; i += 4, s += 16, d += 12)
            {
                Vector128.Shuffle(Vector128.LoadUnsafe(ref source, (nuint)s), keep).StoreUnsafe(ref destination, (nuint)d);
            }
        }

        for (; i < pixels; i++, s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
    }
}
