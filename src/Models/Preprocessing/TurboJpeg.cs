using System.Runtime.InteropServices;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// JPEG pixels through the TurboJPEG API of the system's libjpeg-turbo (Debian's <c>libturbojpeg0</c>), straight to RGB.
/// Why not Skia's codec for these: SkiaSharp's bundled libjpeg-turbo is about 2x slower here (4.2 against 1.9 ms for a
/// 640x480 JPEG, measured by <c>bench/run.sh decode</c>; it decodes to RGBA, which then needs a pass to drop alpha).
/// Both give Pillow's bytes on the test goldens: this is the library Debian's Pillow decodes with, at the TurboJPEG
/// defaults (accurate integer IDCT, fancy upsampling), which are the libjpeg defaults Pillow leaves. Without the
/// library, or with <c>PIPELINE_JPEG=skia</c>, <see cref="ImageDecoder"/> decodes JPEG with Skia.
/// </summary>
internal static class TurboJpeg
{
    public const string DisableVariable = "PIPELINE_JPEG";
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatRgb = 0; // TJPF_RGB
    private const int ColorspaceCmyk = 3, ColorspaceYcck = 4; // TJCS_CMYK, TJCS_YCCK

    private static readonly Lazy<bool> Loaded = new(() =>
        !string.Equals(Environment.GetEnvironmentVariable(DisableVariable), "skia", StringComparison.OrdinalIgnoreCase)
        && OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad(Library, out _));

    /// <summary>True when JPEG pixels come from the system's TurboJPEG.</summary>
    public static bool Available => Loaded.Value;

    /// <summary>
    /// Decodes a JPEG whose header gives <paramref name="width"/> x <paramref name="height"/> into new RGB bytes. False,
    /// and nothing returned, when the library is not there or anything is not a clean decode: CMYK / YCCK (Pillow's CMYK
    /// conversion is the Skia path's), another size, an error, or a libjpeg warning (truncated or corrupt data, which
    /// the Skia path reports or accepts as before).
    /// </summary>
    public static bool TryDecodeRgb(ReadOnlySpan<byte> jpeg, int width, int height, out byte[] rgb)
    {
        rgb = [];
        if (!Available || jpeg.IsEmpty) return false;
        var handle = InitDecompress();
        if (handle == 0) return false;
        try
        {
            ref var source = ref MemoryMarshal.GetReference(jpeg);
            if (DecompressHeader3(handle, ref source, (nuint)jpeg.Length, out int w, out int h, out _, out int colorspace) != 0) return false;
            if (w != width || h != height || colorspace is ColorspaceCmyk or ColorspaceYcck) return false;
            var pixels = GC.AllocateUninitializedArray<byte>(checked(width * height * 3));
            if (Decompress2(handle, ref source, (nuint)jpeg.Length, ref pixels[0], width, 0, height, PixelFormatRgb, 0) != 0) return false;
            rgb = pixels;
            return true;
        }
        finally
        {
            _ = Destroy(handle);
        }
    }

    // unsigned long is 64 bits on Linux x64: nuint. The ref byte arguments are pinned for the call (blittable).
    [DllImport(Library, EntryPoint = "tjInitDecompress")]
    private static extern nint InitDecompress();

    [DllImport(Library, EntryPoint = "tjDecompressHeader3")]
    private static extern int DecompressHeader3(nint handle, ref byte jpeg, nuint size, out int width, out int height, out int subsampling, out int colorspace);

    [DllImport(Library, EntryPoint = "tjDecompress2")]
    private static extern int Decompress2(nint handle, ref byte jpeg, nuint size, ref byte destination, int width, int pitch, int height, int pixelFormat, int flags);

    [DllImport(Library, EntryPoint = "tjDestroy")]
    private static extern int Destroy(nint handle);
}
