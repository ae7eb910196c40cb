using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>One thumbnail with its caption, the unit both page kinds are built from.</summary>
internal static class FigureHtml
{
    /// <summary>
    /// Appends a <c>figure</c> for <paramref name="path"/>. <paramref name="captionHtml"/> is already escaped markup
    /// and goes before the path; <paramref name="extraClass"/> is a fixed class name from this assembly, not data.
    /// </summary>
    public static void Append(StringBuilder html, string path, Thumbnail thumbnail, string captionHtml, string? extraClass = null)
    {
        var escapedPath = HtmlText.Escape(path);
        html.Append("<figure class=\"thumb");
        if (extraClass is not null)
        {
            html.Append(' ').Append(extraClass);
        }

        if (thumbnail.IsPlaceholder)
        {
            html.Append(" unreadable\" data-unreadable=\"1");
        }

        // No loading="lazy": every image must load for the shown/total count to be meaningful, and the page is local.
        html.Append("\">\n<div class=\"frame\"><img src=\"").Append(thumbnail.DataUri)
            .Append("\" width=\"").Append(HtmlText.Number(thumbnail.Width))
            .Append("\" height=\"").Append(HtmlText.Number(thumbnail.Height))
            .Append("\" alt=\"").Append(escapedPath)
            .Append("\" title=\"").Append(thumbnail.IsPlaceholder ? HtmlText.Escape("unreadable: " + thumbnail.Error) : escapedPath)
            .Append("\"></div>\n<figcaption>").Append(captionHtml)
            .Append("<span class=\"path\">").Append(escapedPath).Append("</span></figcaption>\n</figure>\n");
    }
}
