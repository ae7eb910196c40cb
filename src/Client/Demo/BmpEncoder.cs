using System.Buffers.Binary;
using SkiaSharp;

namespace Pipeline.Client.Demo;

/// <summary>
/// 24-bit BMP writer for the demo corpus. Written by hand because Skia encodes only PNG, JPEG and WebP, and the demo
/// should exercise the BMP decoder too; the format is a 54-byte header plus bottom-up BGR rows padded to 4 bytes.
/// </summary>
public static class BmpEncoder
{
    public static byte[] Encode(SKBitmap bitmap)
    {
        int width = bitmap.Width, height = bitmap.Height, stride = (width * 3 + 3) & ~3;
        var bytes = new byte[54 + stride * height];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                bytes[row + 3 * x] = c.Blue;
                bytes[row + 3 * x + 1] = c.Green;
                bytes[row + 3 * x + 2] = c.Red;
            }
        }
        return bytes;
    }
}
