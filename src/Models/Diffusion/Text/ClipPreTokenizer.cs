using System.Globalization;
using System.Text;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>
/// CLIP's word splitter, the pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (Python <c>regex</c>, IGNORECASE) applied with <c>findall</c>. Hand-written over code points rather than
/// a .NET <see cref="System.Text.RegularExpressions.Regex"/> because .NET matches UTF-16 units: a letter
/// outside the BMP (e.g. U+1D400 or CJK extension B) is two surrogates to .NET's <c>\p{L}</c> and would land in
/// the punctuation alternative, and .NET's <c>\s</c> is not Python's.
/// </summary>
internal static class ClipPreTokenizer
{
    private static readonly string[] Specials = ["<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <summary>Every match of the CLIP pattern, in order (text between matches, i.e. whitespace, is dropped).</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var length = MatchAt(text, i);
            if (length == 0)
            {
                i += Rune.GetRuneAt(text, i).Utf16SequenceLength;
                continue;
            }
            words.Add(text.Substring(i, length));
            i += length;
        }
        return words;
    }

    /// <summary>Length in UTF-16 units of the first alternative that matches at <paramref name="i"/>, or 0.</summary>
    private static int MatchAt(string text, int i)
    {
        foreach (var literal in Specials)
        {
            if (string.CompareOrdinal(text, i, literal, 0, literal.Length) == 0)
            {
                return literal.Length;
            }
        }
        foreach (var literal in Contractions)
        {
            if (i + literal.Length <= text.Length && text.AsSpan(i, literal.Length).Equals(literal, StringComparison.OrdinalIgnoreCase))
            {
                return literal.Length;
            }
        }
        var first = Rune.GetRuneAt(text, i);
        var kind = Classify(first);
        if (kind == Kind.Number)
        {
            return first.Utf16SequenceLength;
        }
        if (kind == Kind.Space)
        {
            return 0;
        }
        // [\p{L}]+ or [^\s\p{L}\p{N}]+: extend while the class holds.
        var end = i;
        while (end < text.Length)
        {
            var rune = Rune.GetRuneAt(text, end);
            if (Classify(rune) != kind)
            {
                break;
            }
            end += rune.Utf16SequenceLength;
        }
        return end - i;
    }

    private enum Kind
    {
        Letter,
        Number,
        Space,
        Other,
    }

    private static Kind Classify(Rune rune)
    {
        if (rune.IsBmp && ClipTextCleaner.IsPythonSpace((char)rune.Value))
        {
            return Kind.Space;
        }
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
