using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// A port of ftfy 6.x <c>fix_text</c> with the default <c>TextFixerConfig</c>, written by hand because .NET has no
/// ftfy and CLIP token ids depend on it. Per line (split after each '\n'), repeated until nothing changes:
/// unescape_html (only while no line so far contained '&lt;'), fix_encoding (<see cref="FtfyMojibake"/>),
/// fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks, fix_surrogates,
/// remove_terminal_escapes, remove_control_chars, NFC. Narrower than ftfy where noted on each fixer.
/// </summary>
internal static partial class Ftfy
{
    /// <summary>ftfy <c>fix_text</c> with default settings.</summary>
    public static string FixText(string text)
    {
        var unescapeHtml = true; // "auto": switched off for good by the first line that contains '<'
        var output = new StringBuilder(text.Length);
        var pos = 0;
        while (pos < text.Length)
        {
            var lineBreak = text.IndexOf('\n', pos);
            var end = lineBreak < 0 ? text.Length : lineBreak + 1;
            var segment = text[pos..end];
            if (segment.Contains('<'))
            {
                unescapeHtml = false;
            }
            output.Append(FixSegment(segment, unescapeHtml));
            pos = end;
        }
        return output.ToString();
    }

    /// <summary>ftfy <c>fix_and_explain</c>: the fixers in ftfy's order, repeated to a fixed point.</summary>
    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            var original = text;
            if (unescapeHtml)
            {
                text = UnescapeHtml(text);
            }
            text = FtfyMojibake.FixEncoding(text);
            text = FixC1Controls(text);
            text = FixLatinLigatures(text);
            text = FixCharacterWidth(text);
            text = UncurlQuotes(text);
            text = FixLineBreaks(text);
            text = FixSurrogates(text);
            text = RemoveTerminalEscapes(text);
            text = RemoveControlChars(text);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == original)
            {
                return text;
            }
        }
    }

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlEntityRegex();

    [GeneratedRegex("\u001b\\[((?:[0-9]|;)*)([a-zA-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex AnsiEscapeRegex();

    /// <summary>
    /// ftfy <c>unescape_html</c>: each <c>&amp;name;</c> / <c>&amp;#n;</c> / <c>&amp;#xh;</c> is replaced when it
    /// names a character; an all-capitals name is also accepted for a lower-case entity (<c>&amp;EACUTE;</c> ->
    /// É). Named entities use <see cref="WebUtility.HtmlDecode(string)"/>, which knows the HTML 4 set, where ftfy
    /// knows HTML5's (the extra HTML5 names, e.g. <c>&amp;checkmark;</c>, stay as they are here).
    /// </summary>
    internal static string UnescapeHtml(string text) =>
        text.Contains('&') ? HtmlEntityRegex().Replace(text, m => UnescapeEntity(m.Value)) : text;

    private static string UnescapeEntity(string entity)
    {
        if (entity[1] == '#')
        {
            return DecodeCharRef(entity) ?? entity;
        }
        var decoded = WebUtility.HtmlDecode(entity);
        if (decoded != entity)
        {
            return decoded;
        }
        var name = entity[1..^1];
        if (name.Any(char.IsLower))
        {
            return entity;
        }
        var lower = "&" + name.ToLowerInvariant() + ";";
        decoded = WebUtility.HtmlDecode(lower);
        // Python's str.upper() maps ß to "SS"; .NET's invariant upper case keeps ß.
        return decoded == lower ? entity : decoded.ToUpperInvariant().Replace("ß", "SS", StringComparison.Ordinal);
    }

    /// <summary>Python's <c>html.unescape</c> of one numeric reference, or null when it is not one.</summary>
    private static string? DecodeCharRef(string entity)
    {
        var body = entity[2..^1];
        long number;
        if (body.Length > 0 && (body[0] == 'x' || body[0] == 'X'))
        {
            if (body.Length == 1 || !long.TryParse(body.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number))
            {
                return null;
            }
        }
        else if (body.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out number))
            {
                return "\ufffd"; // larger than any code point
            }
        }
        else
        {
            return null;
        }
        if (number == 0)
        {
            return "\ufffd";
        }
        if (number == 0x0d)
        {
            return "\r";
        }
        if (number is >= 0x80 and <= 0x9f)
        {
            // html._invalid_charrefs: C1 references mean their Windows-1252 characters.
            return FtfyMojibake.SloppyWindows1252Char((byte)number).ToString();
        }
        if (number is >= 0xD800 and <= 0xDFFF || number > 0x10FFFF)
        {
            return "\ufffd";
        }
        if (number is >= 0x1 and <= 0x8 or 0xb or >= 0xe and <= 0x1f or 0x7f or >= 0xfdd0 and <= 0xfdef || (number & 0xfffe) == 0xfffe)
        {
            return ""; // html._invalid_codepoints are dropped
        }
        return char.ConvertFromUtf32((int)number);
    }

    /// <summary>ftfy <c>fix_c1_controls</c>: U+0080..U+009F read as sloppy Windows-1252.</summary>
    internal static string FixC1Controls(string text) =>
        Map(text, c => c is >= '\u0080' and <= '\u009f' ? FtfyMojibake.SloppyWindows1252Char((byte)c).ToString() : null);

    /// <summary>ftfy <c>fix_latin_ligatures</c> (its <c>LIGATURES</c> table).</summary>
    internal static string FixLatinLigatures(string text) => Map(text, c => c switch
    {
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'ŉ' => "ʼn",
        'Ǳ' => "DZ",
        'ǲ' => "Dz",
        'ǳ' => "dz",
        'Ǆ' => "DŽ",
        'ǅ' => "Dž",
        'ǆ' => "dž",
        'Ǉ' => "LJ",
        'ǈ' => "Lj",
        'ǉ' => "lj",
        'Ǌ' => "NJ",
        'ǋ' => "Nj",
        'ǌ' => "nj",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' => "ſt",
        'ﬆ' => "st",
        _ => null,
    });

    /// <summary>
    /// ftfy <c>fix_character_width</c>: U+3000 -> space, and each of U+FF01..U+FFEF -> its NFKC form where that
    /// differs (full-width ASCII, half-width katakana and hangul).
    /// </summary>
    internal static string FixCharacterWidth(string text) => Map(text, c => c switch
    {
        '\u3000' => " ",
        >= '\uff01' and <= '\uffef' => c.ToString().Normalize(NormalizationForm.FormKC) is var alt && alt != c.ToString() ? alt : null,
        _ => null,
    });

    /// <summary>ftfy <c>uncurl_quotes</c>: U+02BC, U+2018..U+201B -> '; U+201C..U+201F -> ".</summary>
    internal static string UncurlQuotes(string text) => Map(text, c => c switch
    {
        '\u02bc' or (>= '\u2018' and <= '\u201b') => "'",
        >= '\u201c' and <= '\u201f' => "\"",
        _ => null,
    });

    /// <summary>ftfy <c>fix_line_breaks</c>: CRLF, CR, U+2028, U+2029 and U+0085 -> '\n'.</summary>
    internal static string FixLineBreaks(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace('\r', '\n')
            .Replace('\u2028', '\n')
            .Replace('\u2029', '\n')
            .Replace('\u0085', '\n');

    /// <summary>
    /// ftfy <c>fix_surrogates</c>. .NET strings are UTF-16, so paired surrogates already are one character; a lone
    /// surrogate becomes U+FFFD as in ftfy.
    /// </summary>
    internal static string FixSurrogates(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
                sb.Append('\ufffd');
                continue;
            }
            sb?.Append(c);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>ftfy <c>remove_terminal_escapes</c>: ANSI <c>ESC [ digits/; letter</c> sequences.</summary>
    internal static string RemoveTerminalEscapes(string text) =>
        text.Contains('\u001b') ? AnsiEscapeRegex().Replace(text, "") : text;

    /// <summary>
    /// ftfy <c>remove_control_chars</c> (its <c>CONTROL_CHARS</c> table): U+0000..U+0008, U+000B,
    /// U+000E..U+001F, U+007F, U+206A..U+206F, U+FEFF, U+FFF9..U+FFFC. Tab, '\n', form feed and '\r' stay.
    /// </summary>
    internal static string RemoveControlChars(string text) => Map(text, c => c switch
    {
        <= '\u0008' or '\u000b' or (>= '\u000e' and <= '\u001f') or '\u007f' => "",
        (>= '\u206a' and <= '\u206f') or '\ufeff' or (>= '\ufff9' and <= '\ufffc') => "",
        _ => null,
    });

    /// <summary>Python's <c>str.translate</c> over UTF-16 units: <paramref name="map"/> returns null to keep a unit.</summary>
    private static string Map(string text, Func<char, string?> map)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var replacement = map(text[i]);
            if (replacement is null)
            {
                sb?.Append(text[i]);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length + 8);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }
}
