using System.Text;
using System.Text.Json;
using Pipeline.Models.Diffusion.Text;

namespace Pipeline.Models.Tests.Diffusion.Text;

/// <summary>
/// <see cref="ClipTextCleaner"/>: the ftfy fixes one by one (expected values are ftfy 6.x's), and every prompt of
/// prompts.json against the text HF decoded from its ids (needs no vocabulary).
/// </summary>
public sealed class ClipTextCleanerTests
{
    [Theory]
    [InlineData("\u201csmart\u201d \u2018single\u2019 \u02bcx", "\"smart\" 'single' 'x")]
    [InlineData("\ufb01ne \ufb02ow \ufb03 \ufb06 \u0133", "fine flow ffi st ij")]
    [InlineData("\uff26\uff55\uff4c\uff4c\u3000\uff37\uff49\uff44\uff54\uff48\uff01 \uff73", "Full Width! \u30a6")]
    [InlineData("caf\u00c3\u00a9 don\u00e2\u20ac\u2122t", "caf\u00e9 don't")]
    [InlineData("caf\u00c3\u0192\u00c2\u00a9", "caf\u00e9")]
    [InlineData("robot \u00f0\u0178\u00a4\u2013", "robot \ud83e\udd16")]
    [InlineData("na\u00efve \u00f0\u0178\u00a4\u2013", "na\u00efve \ud83e\udd16")]
    [InlineData("na\u00efve caf\u00c3\u00a9", "na\u00efve caf\u00e9")]
    [InlineData("na\u00efve caf\u00e9 \u00a9 2024", "na\u00efve caf\u00e9 \u00a9 2024")]
    [InlineData("Tom &amp; Jerry &lt;3 &quot;q&quot; &#39;a&#39; &copy; &#x41;&#65; &#150; &EACUTE;", "Tom & Jerry <3 \"q\" 'a' \u00a9 AA \u2013 \u00c9")]
    [InlineData("<b>bold</b> &amp; <i>x</i>", "<b>bold</b> &amp; <i>x</i>")]
    [InlineData("a &amp; b\n<b> &amp;\nc &amp;", "a & b\n<b> &amp;\nc &amp;")]
    [InlineData("&unknownentity; &#xZZ;", "&unknownentity; &#xZZ;")]
    [InlineData("\u0093hi\u0094 \u0080", "\"hi\" \u20ac")]
    [InlineData("a\u0000b\u0007c\u200bd\ufeffe\u206af\ufffbg\tz", "abc\u200bdefg\tz")]
    [InlineData("\u001b[31mred\u001b[0m", "red")]
    [InlineData("line1\r\nline2\rline3\u2028line4", "line1\nline2\nline3\nline4")]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\ud83e\udd16 ok", "\ud83e\udd16 ok")]
    public void FixText_AppliesFtfyDefaults(string input, string expected)
    {
        var seen = ClipTextCleaner.FixText(input);
        Assert.True(expected == seen, $"fix_text({Escape(input)}): expected {Escape(expected)}, seen {Escape(seen)}");
    }

    /// <summary>A lone surrogate (cannot be written in an attribute, whose strings are UTF-8) becomes U+FFFD.</summary>
    [Fact]
    public void FixText_ReplacesLoneSurrogates()
    {
        var input = "a" + '\ud800' + "b" + '\udc00';
        var seen = ClipTextCleaner.FixText(input);
        Assert.True(seen == "a\ufffdb\ufffd", $"expected \"a\\ufffdb\\ufffd\", seen {Escape(seen)}");
    }

    [Theory]
    [InlineData("   extra   spaces\tand\ttabs\nand newlines   ", "extra spaces and tabs and newlines")]
    [InlineData("nbsp\u00a0space em\u2003space zero\u200bwidth\u3000x\u001fy", "nbsp space em space zero\u200bwidth x y")]
    [InlineData("", "")]
    [InlineData(" \t\n ", "")]
    public void WhitespaceClean_UsesPythonWhitespace(string input, string expected)
    {
        var seen = ClipTextCleaner.WhitespaceClean(input);
        Assert.True(expected == seen, $"whitespace_clean({Escape(input)}): expected {Escape(expected)}, seen {Escape(seen)}");
    }

    [Theory]
    [InlineData("A PHOTO, UPPERCASE", "a photo, uppercase")]
    [InlineData("\u0130stanbul", "i\u0307stanbul")]
    [InlineData("\u039f\u0394\u039f\u03a3 \u03a3\u039f", "\u03bf\u03b4\u03bf\u03c2 \u03c3\u03bf")]
    [InlineData("\ud801\udc00", "\ud801\udc28")]
    public void PythonLower_MatchesStrLower(string input, string expected)
    {
        var seen = ClipTextCleaner.PythonLower(input);
        Assert.True(expected == seen, $"lower({Escape(input)}): expected {Escape(expected)}, seen {Escape(seen)}");
    }

    /// <summary>
    /// HF's <c>decoded</c> text is the tokens joined by spaces, so apart from whitespace it is the cleaned prompt
    /// (for truncated prompts, a prefix of it).
    /// </summary>
    [Fact]
    public void Clean_AgreesWithEveryDecodedPrompt()
    {
        var failures = new List<string>();
        var prompts = ClipFixture.Prompts();
        Assert.True(prompts.GetArrayLength() >= 20, $"expected at least 20 prompts in prompts.json, seen {prompts.GetArrayLength()}");
        foreach (var prompt in prompts.EnumerateArray())
        {
            var text = prompt.GetProperty("text").GetString()!;
            var decoded = WithoutSpaces(prompt.GetProperty("decoded").GetString()!);
            var cleaned = WithoutSpaces(ClipTextCleaner.Clean(text));
            var ok = prompt.GetProperty("truncated").GetBoolean() ? cleaned.StartsWith(decoded, StringComparison.Ordinal) : cleaned == decoded;
            if (!ok)
            {
                failures.Add($"{JsonSerializer.Serialize(text)}: expected {Escape(decoded)}, seen {Escape(cleaned)}");
            }
        }
        Assert.True(failures.Count == 0, "cleaned prompts differ from HF's decoded text (whitespace removed):\n" + string.Join("\n", failures));
    }

    private static string WithoutSpaces(string text) => new(text.Where(c => !ClipTextCleaner.IsPythonSpace(c)).ToArray());

    private static string Escape(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }
        return sb.Append('"').ToString();
    }
}
