using System.Globalization;
using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>Escaping and number formatting shared by the page renderers.</summary>
internal static class HtmlText
{
    /// <summary>
    /// Escapes text for element content and double-quoted attributes alike: <c>&lt; &gt; &amp; " '</c> all become
    /// entities, so a path such as <c>&lt;script&gt;alert(1)&lt;/script&gt;.jpg</c> is shown as text, never parsed.
    /// Everything else is kept as is (the page is UTF-8).
    /// </summary>
    public static string Escape(string? text)
    {
        // Hand-written because WebUtility.HtmlEncode also turns Latin-1 letters into numeric entities (caf&#233;) and
        // HtmlEncoder.Default every non-ASCII character, which makes non-English paths unreadable in the page source.
        // These five are all that element content and double-quoted attributes need.
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '"' => escaped.Append("&quot;"),
                '\'' => escaped.Append("&#39;"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    /// <summary>A score with four decimals and a dot whatever the current culture, e.g. <c>0.8731</c>.</summary>
    public static string Score(double score) => score.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>An integer in the invariant culture (no thousands separator surprises inside attributes).</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><paramref name="count"/> followed by the singular or plural noun: <c>1 cluster</c>, <c>3 clusters</c>.</summary>
    public static string Count(long count, string singular, string plural) =>
        Number(count) + " " + (count == 1 ? singular : plural);
}
