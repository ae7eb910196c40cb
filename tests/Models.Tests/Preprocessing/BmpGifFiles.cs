using System.Buffers.Binary;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>
/// BMP and GIF bytes written by hand: Skia has no encoder for either. The GIF's LZW stream sends only literal codes,
/// with a clear code often enough that the code width stays at 9 bits, which every decoder accepts.
/// </summary>
internal static class BmpGifFiles
{
    /// <summary>A 24-bit bottom-up BMP of HWC RGB bytes.</summary>
    public static byte[] Bmp(int width, int height, byte[] rgb)
    {
        var stride = (width * 3 + 3) & ~3;
        var file = new byte[54 + (stride * height)];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * height);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                var s = ((y * width) + x) * 3;
                file[row + (x * 3)] = rgb[s + 2];
                file[row + (x * 3) + 1] = rgb[s + 1];
                file[row + (x * 3) + 2] = rgb[s];
            }
        }

        return file;
    }

    /// <summary>A GIF89a with a 256-colour global palette (RGB triples) and one image per entry of <paramref name="frames"/> (palette indices).</summary>
    public static byte[] Gif(int width, int height, byte[] palette, params byte[][] frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> word = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)width);
        gif.Write(word);
        BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)height);
        gif.Write(word);
        gif.Write([0xF7, 0, 0]); // global colour table of 2^(7+1) entries
        gif.Write(palette.AsSpan(0, 768));
        foreach (var frame in frames)
        {
            gif.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s, no transparency
            gif.WriteByte(0x2C);
            gif.Write([0, 0, 0, 0]);
            BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)width);
            gif.Write(word);
            BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)height);
            gif.Write(word);
            gif.WriteByte(0);
            gif.WriteByte(8); // LZW minimum code size
            var lzw = LiteralLzw(frame);
            for (var i = 0; i < lzw.Length; i += 255)
            {
                var n = Math.Min(255, lzw.Length - i);
                gif.WriteByte((byte)n);
                gif.Write(lzw, i, n);
            }

            gif.WriteByte(0);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    private static byte[] LiteralLzw(byte[] indices)
    {
        const int clear = 256, end = 257, width = 9;
        var output = new List<byte>();
        int buffer = 0, count = 0;
        void Put(int code)
        {
            buffer |= code << count;
            count += width;
            while (count >= 8)
            {
                output.Add((byte)buffer);
                buffer >>= 8;
                count -= 8;
            }
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 200 == 0)
            {
                Put(clear);
            }

            Put(indices[i]);
        }

        Put(end);
        if (count > 0)
        {
            output.Add((byte)buffer);
        }

        return [.. output];
    }
}
