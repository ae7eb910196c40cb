using System.Buffers.Binary;

namespace Pipeline.Models.Tests.Preprocessing;

/// <summary>
/// JPEG bytes a test cannot get from SkiaSharp's encoder: an APP1 Exif block with an orientation tag inserted after
/// SOI, and a baseline CMYK JPEG (Adobe APP14, four components, one flat colour) written by hand.
/// </summary>
internal static class JpegFiles
{
    /// <summary>Returns <paramref name="jpeg"/> with an Exif block whose IFD0 holds Orientation = <paramref name="orientation"/>.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("Not a JPEG (no SOI).", nameof(jpeg));
        }

        // "Exif\0\0", then a big-endian TIFF header and IFD0 with one SHORT entry (tag 0x0112).
        var tiff = new byte[8 + 2 + 12 + 4];
        tiff[0] = (byte)'M';
        tiff[1] = (byte)'M';
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), (ushort)orientation);
        byte[] payload = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// A baseline JPEG of <paramref name="width"/> x <paramref name="height"/> (multiples of 8) in one flat CMYK colour,
    /// stored as Adobe (Photoshop) writes it: inverted, so a stored 255 means no ink. Quantisation is all ones and only
    /// DC coefficients are coded, so the decoder sees exactly the stored values.
    /// </summary>
    public static byte[] FlatCmyk(int width, int height, byte c, byte m, byte y, byte k)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        Segment(jpeg, 0xEE, [(byte)'A', (byte)'d', (byte)'o', (byte)'b', (byte)'e', 0, 100, 0, 0, 0, 0, 0]); // transform 0
        Segment(jpeg, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        byte[] sof = [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0];
        Segment(jpeg, 0xC0, sof);

        // DC table 0: twelve 4-bit codes, code s = category s. AC table 0: EOB only, code "00".
        var dcCounts = new byte[16];
        dcCounts[3] = 12;
        Segment(jpeg, 0xC4, [0x00, .. dcCounts, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        var acCounts = new byte[16];
        acCounts[1] = 1;
        Segment(jpeg, 0xC4, [0x10, .. acCounts, 0x00]);
        Segment(jpeg, 0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]);

        var bits = new BitWriter(jpeg);
        byte[] values = [c, m, y, k];
        var blocks = width / 8 * (height / 8);
        for (var block = 0; block < blocks; block++)
        {
            foreach (var value in values)
            {
                // DC of a flat block is 8 * (value - 128); each component predicts from its previous block.
                var diff = block == 0 ? 8 * (value - 128) : 0;
                var category = diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));
                bits.Write(category, 4);
                if (category > 0)
                {
                    bits.Write(diff > 0 ? diff : diff + (1 << category) - 1, category);
                }

                bits.Write(0, 2); // EOB
            }
        }

        bits.Flush();
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static void Segment(Stream jpeg, byte marker, byte[] payload)
    {
        jpeg.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        jpeg.Write(payload);
    }

    private sealed class BitWriter(Stream output)
    {
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                Write(1, 1); // pad with ones
            }
        }

        private void Emit()
        {
            output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF)
            {
                output.WriteByte(0); // byte stuffing
            }

            _buffer = 0;
            _count = 0;
        }
    }
}
