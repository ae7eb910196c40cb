using System.Text;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// The text cleaning of Hugging Face's slow <c>CLIPTokenizer</c> with ftfy installed (what SD-1.5 pipelines run):
/// each chunk between special tokens becomes <c>whitespace_clean(ftfy.fix_text(chunk)).lower()</c>. Prompt ids
/// change when any of these steps differ, so they are reproduced here rather than approximated by a normaliser.
/// </summary>
public static class ClipTextCleaner
{
    /// <summary><c>whitespace_clean(ftfy.fix_text(text)).lower()</c>, as CLIPTokenizer applies it to a chunk.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PythonLower(WhitespaceClean(FixText(text)));
    }

    /// <summary>
    /// ftfy 6.x <c>fix_text</c> with its default configuration (see <see cref="Ftfy"/> for the fixes and where
    /// this port is narrower than ftfy).
    /// </summary>
    public static string FixText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Ftfy.FixText(text);
    }

    /// <summary>
    /// CLIP's <c>whitespace_clean</c>: <c>re.sub(r"\s+", " ", text).strip()</c> with Python's Unicode
    /// <c>\s</c> (<see cref="IsPythonSpace"/>), which is not the same set as .NET's <c>\s</c>.
    /// </summary>
    public static string WhitespaceClean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Python's <c>str.isspace()</c> (what <c>re</c>'s <c>\s</c> and <c>str.strip()</c> use on str): the
    /// Unicode White_Space characters plus the ASCII separators U+001C..U+001F. Every such character is a
    /// single UTF-16 unit.
    /// </summary>
    public static bool IsPythonSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001c' and <= ' ' => true,
        '\u0085' or '\u00a0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    /// <summary>
    /// Python's <c>str.lower()</c> (full Unicode lower-case mapping, culture independent), code point by
    /// code point. The two special cases Python applies beyond the simple mapping are spelled out: U+0130 ->
    /// "i\u0307", and capital sigma -> final sigma at the end of a word (simplified Final_Sigma rule: after a
    /// letter and not before one).
    /// </summary>
    public static string PythonLower(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        var runes = text.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            if (rune.Value == 0x130)
            {
                sb.Append("i\u0307");
            }
            else if (rune.Value == 0x3A3 && i > 0 && Rune.IsLetter(runes[i - 1]) && (i + 1 == runes.Length || !Rune.IsLetter(runes[i + 1])))
            {
                sb.Append('\u03c2');
            }
            else
            {
                sb.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }
        return sb.ToString();
    }
}
