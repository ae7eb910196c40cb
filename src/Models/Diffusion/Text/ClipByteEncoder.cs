using System.Text;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// GPT-2 / CLIP <c>bytes_to_unicode</c>: a reversible map from the 256 byte values to printable characters
/// (printable Latin-1 bytes map to themselves, the rest to U+0100 upwards), so BPE can run on strings.
/// </summary>
internal static class ClipByteEncoder
{
    private static readonly char[] ByteToChar = Build();

    /// <summary>The BPE alphabet character of byte <paramref name="b"/>.</summary>
    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The UTF-8 bytes of <paramref name="word"/>, each replaced by its alphabet character.</summary>
    public static string EncodeUtf8(string word)
    {
        var bytes = Encoding.UTF8.GetBytes(word);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }
        return new string(chars);
    }

    private static char[] Build()
    {
        var map = new char[256];
        var assigned = new bool[256];
        foreach (var (from, to) in new[] { ('!', '~'), ('\u00a1', '\u00ac'), ('\u00ae', '\u00ff') })
        {
            for (int b = from; b <= to; b++)
            {
                map[b] = (char)b;
                assigned[b] = true;
            }
        }
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            if (!assigned[b])
            {
                map[b] = (char)next++;
            }
        }
        return map;
    }
}
