using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>
/// Writes PNG files byte by byte, so tests control exactly what is stored (16-bit samples, palettes with tRNS, colour
/// of fully transparent pixels) and can forge headers. Hand-written: SkiaSharp cannot encode 16-bit or palette PNGs.
/// </summary>
internal static class PngFiles
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// A PNG of <paramref name="colorType"/> (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA) and
    /// <paramref name="bitDepth"/>; <paramref name="rows"/> holds the unfiltered scanlines, samples big-endian.
    /// </summary>
    public static byte[] Encode(int width, int height, int bitDepth, int colorType, byte[] rows, byte[]? palette = null, byte[]? transparency = null)
    {
        var stride = rows.Length / height;
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter type None
            raw.Write(rows, y * stride, stride);
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(zlib);
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", Header(width, height, bitDepth, colorType));
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }

        if (transparency is not null)
        {
            WriteChunk(png, "tRNS", transparency);
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A valid 8-bit RGB PNG header that claims <paramref name="width"/> x <paramref name="height"/>, with a few bytes of pixel data.</summary>
    public static byte[] ForgedHeader(int width, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(new byte[64]);
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", Header(width, height, 8, 2));
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Header(int width, int height, int bitDepth, int colorType)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        return ihdr; // compression 0, filter 0, interlace 0
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    // The CRC-32 of PNG (ISO 3309): a 256-entry table instead of a package reference for ten lines.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
