using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>The parts every page shares: the document head, the notes about images, the closing script.</summary>
internal static class PageLayout
{
    /// <summary>Opens the document and body, with <paramref name="title"/> escaped and the thumbnail box size set.</summary>
    public static void AppendHead(StringBuilder html, string title, int box, string pageKind)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(HtmlText.Escape(title)).Append("</title>\n")
            .Append("<style>\n:root { --box: ").Append(HtmlText.Number(box)).Append("px; }\n")
            .Append(PageStyle.Css).Append("\n</style>\n</head>\n")
            .Append("<body data-page=\"").Append(HtmlText.Escape(pageKind)).Append("\">\n")
            .Append("<h1>").Append(HtmlText.Escape(title)).Append("</h1>\n");
    }

    /// <summary>
    /// A note on images that could not be read (known here, before any browser runs) and the empty note the script
    /// fills in when a thumbnail fails to display.
    /// </summary>
    public static void AppendImageNotes(StringBuilder html, int unreadable)
    {
        if (unreadable > 0)
        {
            html.Append("<p class=\"note\" id=\"unreadable-note\">")
                .Append(HtmlText.Count(unreadable, "image", "images"))
                .Append(unreadable == 1 ? " could not be read; it is" : " could not be read; they are")
                .Append(" shown as an \u201cunreadable\u201d placeholder (hover for the error).</p>\n");
        }

        html.Append("<p class=\"note\" id=\"image-note\" hidden></p>\n");
    }

    /// <summary>Appends the counting script and closes body and document.</summary>
    public static void AppendTail(StringBuilder html) =>
        html.Append("<script>\n").Append(PageScript.Js).Append("\n</script>\n</body>\n</html>\n");
}
