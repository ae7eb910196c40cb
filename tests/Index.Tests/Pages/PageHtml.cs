using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Index.Tests.Pages;

/// <summary>
/// Regex look-ups into pages this writer produced (its markup is regular: double-quoted attributes, one element per
/// line). Enough for structure checks without an HTML parser package.
/// </summary>
internal static partial class PageHtml
{
    public static int Count(string html, string fragment)
    {
        var count = 0;
        for (var at = html.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = html.IndexOf(fragment, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    public static string[] Scores(string html) =>
        ScoreRegex().Matches(html).Select(m => m.Groups[1].Value).ToArray();

    public static string[] ImageSources(string html) =>
        ImageRegex().Matches(html).Select(m => m.Groups["src"].Value).ToArray();

    /// <summary>Each img element: src, width, height, title.</summary>
    public static (string Src, int Width, int Height, string Title)[] Images(string html) =>
        ImageRegex().Matches(html)
            .Select(m => (m.Groups["src"].Value, int.Parse(m.Groups["w"].Value), int.Parse(m.Groups["h"].Value), m.Groups["title"].Value))
            .ToArray();

    /// <summary>The page text with every data: URI cut out, so searches do not hit base64 by chance.</summary>
    public static string WithoutDataUris(string html) => DataUriRegex().Replace(html, "data:");

    /// <summary>An attribute value of the body element, or null when it is missing.</summary>
    public static string? BodyAttribute(string dom, string name)
    {
        var body = BodyRegex().Match(dom);
        if (!body.Success)
        {
            return null;
        }

        var attribute = Regex.Match(body.Value, "\\s" + Regex.Escape(name) + "=\"([^\"]*)\"");
        return attribute.Success ? attribute.Groups[1].Value : null;
    }

    public static async Task<string> WriteAsync(Func<Stream, Task> write)
    {
        using var stream = new MemoryStream();
        await write(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [GeneratedRegex("<span class=\"score\">([^<]*)</span>")]
    private static partial Regex ScoreRegex();

    [GeneratedRegex("<img src=\"(?<src>[^\"]*)\" width=\"(?<w>\\d+)\" height=\"(?<h>\\d+)\" alt=\"[^\"]*\" title=\"(?<title>[^\"]*)\"")]
    private static partial Regex ImageRegex();

    [GeneratedRegex("data:[^\"]*")]
    private static partial Regex DataUriRegex();

    [GeneratedRegex("<body[^>]*>")]
    private static partial Regex BodyRegex();
}
