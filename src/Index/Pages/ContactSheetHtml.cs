using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>Renders a <see cref="ContactSheetPage"/> once the thumbnails of its shown images are loaded.</summary>
internal static class ContactSheetHtml
{
    /// <summary>The images drawn: the first <paramref name="maxImages"/>.</summary>
    public static IReadOnlyList<ContactSheetImage> Shown(ContactSheetPage page, int maxImages) =>
        page.Images.Count <= maxImages ? page.Images : page.Images.Take(maxImages).ToArray();

    public static string Render(ContactSheetPage page, IReadOnlyList<ContactSheetImage> shown, IReadOnlyDictionary<string, Thumbnail> thumbnails, int box)
    {
        var html = new StringBuilder(1024 + (thumbnails.Count * 16 * 1024));
        PageLayout.AppendHead(html, page.Title, box, "contact-sheet");
        html.Append("<p class=\"summary\">").Append(HtmlText.Count(page.Images.Count, "image", "images")).Append(".</p>\n");
        if (!string.IsNullOrWhiteSpace(page.Note))
            html.Append("<p class=\"meta\">").Append(HtmlText.Escape(page.Note)).Append("</p>\n");
        if (shown.Count < page.Images.Count)
        {
            html.Append("<p class=\"note\" id=\"images-left-out\">Showing the first ").Append(HtmlText.Number(shown.Count)).Append(" of ")
                .Append(HtmlText.Number(page.Images.Count)).Append(" images.</p>\n");
        }
        PageLayout.AppendImageNotes(html, shown.Count(image => thumbnails[image.ImagePath].IsPlaceholder));
        html.Append("<div class=\"grid\">\n");
        foreach (var image in shown)
        {
            var caption = "<div class=\"prompt\">" + HtmlText.Escape(image.Prompt) + "</div><div><span class=\"rank\">seed</span><span class=\"score\">"
                          + HtmlText.Number(image.Seed) + "</span></div>";
            FigureHtml.Append(html, image.ImagePath, thumbnails[image.ImagePath], caption);
        }
        html.Append("</div>\n");
        PageLayout.AppendTail(html);
        return html.ToString();
    }
}
