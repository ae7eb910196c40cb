using System.Text;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// ftfy's <c>fix_encoding</c>, narrowed by hand (ftfy has no .NET port) to the mojibake that occurs in prompts:
/// UTF-8 bytes that were decoded as Latin-1 or as Windows-1252 ("sloppy": the five bytes Windows-1252 leaves
/// undefined map to U+0081, U+008D, U+008F, U+0090, U+009D), e.g. <c>cafÃ©</c> -> <c>café</c>,
/// <c>donâ€™t</c> -> <c>don’t</c>. Each step: if the whole text re-encodes in Latin-1 (then sloppy
/// Windows-1252) and those bytes are valid UTF-8, decode them; otherwise fix UTF-8-looking runs in isolation
/// (<c>decode_inconsistent_utf8</c>); otherwise Latin-1 text with C1 controls is read as Windows-1252. Steps
/// repeat until nothing changes (double mojibake).
/// Differences from ftfy: ftfy first asks its "badness" heuristic (a large table of suspicious character
/// sequences) whether the text looks broken, which this port replaces by the re-decode itself succeeding;
/// the other single-byte encodings ftfy tries (Windows-1250/1251/1253/1254/1257, ISO-8859-2, MacRoman, cp437),
/// CESU-8 / Java "modified UTF-8", <c>restore_byte_a0</c> and <c>replace_lossy_sequences</c> are not ported.
/// </summary>
internal static class FtfyMojibake
{
    private static readonly char[] Windows1252High =
    [
        '\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
        '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
        '\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
        '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178',
    ];

    private static readonly Dictionary<char, byte> Windows1252Reverse = BuildReverse();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The character sloppy Windows-1252 decodes <paramref name="b"/> to.</summary>
    public static char SloppyWindows1252Char(byte b) => b is >= 0x80 and <= 0x9f ? Windows1252High[b - 0x80] : (char)b;

    /// <summary>ftfy <c>fix_encoding</c>: one-step fixes repeated until the text no longer changes.</summary>
    public static string FixEncoding(string text)
    {
        while (true)
        {
            var fixedText = FixOneStep(text);
            if (fixedText == text)
            {
                return text;
            }
            text = fixedText;
        }
    }

    private static string FixOneStep(string text)
    {
        if (text.Length == 0 || text.All(char.IsAscii))
        {
            return text;
        }
        var latin1 = TryEncode(text, sloppy: false);
        var windows1252 = TryEncode(text, sloppy: true);
        foreach (var bytes in new[] { latin1, windows1252 })
        {
            if (bytes is not null && TryDecodeUtf8(bytes) is { } decoded)
            {
                return decoded;
            }
        }
        var inconsistent = DecodeInconsistentUtf8(text);
        if (inconsistent != text)
        {
            return inconsistent;
        }
        if (latin1 is not null && windows1252 is null)
        {
            // Latin-1 but not Windows-1252: it holds C1 controls, which were meant as Windows-1252 characters.
            var sb = new StringBuilder(text.Length);
            foreach (var b in latin1)
            {
                if (b is 0x81 or 0x8d or 0x8f or 0x90 or 0x9d)
                {
                    return text; // strict Windows-1252 has no character for these bytes
                }
                sb.Append(SloppyWindows1252Char(b));
            }
            return sb.ToString();
        }
        return text;
    }

    /// <summary>
    /// ftfy <c>decode_inconsistent_utf8</c>: runs that look like UTF-8 lead + continuation characters (read as
    /// Latin-1 / Windows-1252), not preceded by a continuation character, are re-decoded on their own when
    /// that works, so "naïve cafÃ©" becomes "naïve café".
    /// </summary>
    private static string DecodeInconsistentUtf8(string text)
    {
        StringBuilder? sb = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            if (start > 0 && IsContinuation(text[start - 1]))
            {
                i++;
                continue;
            }
            var end = start;
            while (end < text.Length && SequenceLength(text[end]) is var n and > 0 && end + n <= text.Length
                && text.AsSpan(end + 1, n - 1).ToArray().All(IsContinuation))
            {
                end += n;
            }
            if (end == start)
            {
                i++;
                continue;
            }
            var run = text[start..end];
            var fixedRun = run.Length < text.Length ? FixOneStepWhole(run) : run;
            if (fixedRun != run)
            {
                sb ??= new StringBuilder(text.Length);
                sb.Append(text, copied, start - copied).Append(fixedRun);
                copied = end;
            }
            i = end;
        }
        if (sb is null)
        {
            return text;
        }
        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }

    private static string FixOneStepWhole(string run)
    {
        foreach (var sloppy in new[] { false, true })
        {
            if (TryEncode(run, sloppy) is { } bytes && TryDecodeUtf8(bytes) is { } decoded)
            {
                return decoded;
            }
        }
        return run;
    }

    /// <summary>
    /// UTF-8 sequence length a lead character implies (Latin-1 Â..ß: 2, à..ï: 3, ð and ó: 4, the only 4-byte
    /// leads ftfy's <c>utf8_first_of_4</c> lists for these encodings), else 0.
    /// </summary>
    private static int SequenceLength(char c) => c switch
    {
        >= '\u00c2' and <= '\u00df' => 2,
        >= '\u00e0' and <= '\u00ef' => 3,
        '\u00f0' or '\u00f3' => 4,
        _ => 0,
    };

    /// <summary>A character that Latin-1 or Windows-1252 decodes from a continuation byte 0x80..0xBF.</summary>
    private static bool IsContinuation(char c) =>
        c is >= '\u0080' and <= '\u00bf' || (Windows1252Reverse.TryGetValue(c, out var b) && b is >= 0x80 and <= 0xbf);

    private static byte[]? TryEncode(string text, bool sloppy)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80 || (c >= 0xa0 && c <= 0xff) || (!sloppy && c <= 0xff))
            {
                bytes[i] = (byte)c;
            }
            else if (sloppy && Windows1252Reverse.TryGetValue(c, out var b))
            {
                bytes[i] = b;
            }
            else
            {
                return null;
            }
        }
        return bytes;
    }

    private static string? TryDecodeUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static Dictionary<char, byte> BuildReverse()
    {
        var map = new Dictionary<char, byte>();
        for (var b = 0x80; b <= 0x9f; b++)
        {
            map[Windows1252High[b - 0x80]] = (byte)b;
        }
        return map;
    }
}
