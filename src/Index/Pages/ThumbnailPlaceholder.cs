using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>
/// The stand-in for an image that could not be read or decoded: a grey SVG square that says "unreadable". It is a real
/// image, so the page's layout and its shown/total count treat it like any thumbnail; the error text goes into the
/// <c>title</c> attribute of the <c>img</c>, not into the SVG, so no data-derived text needs escaping inside it.
/// </summary>
internal static class ThumbnailPlaceholder
{
    /// <summary>A placeholder of <paramref name="size"/> x <paramref name="size"/> pixels carrying <paramref name="error"/>.</summary>
    public static Thumbnail Create(int size, string error)
    {
        // Hand-written SVG: a fixed template with only the size filled in, small enough that a drawing library would
        // add nothing. Base64 rather than percent-encoding keeps the URI free of characters that need attribute escaping.
        var svg =
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\">"
            + $"<rect width=\"{size}\" height=\"{size}\" fill=\"#e5e5e5\" stroke=\"#b00020\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            + $"<text x=\"50%\" y=\"50%\" text-anchor=\"middle\" dominant-baseline=\"middle\" font-family=\"sans-serif\" "
            + $"font-size=\"{Math.Max(10, size / 9)}\" fill=\"#b00020\">unreadable</text></svg>";
        var uri = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));
        return new Thumbnail(uri, size, size, string.IsNullOrWhiteSpace(error) ? "unreadable image" : error);
    }
}
