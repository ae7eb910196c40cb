using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>Renders a <see cref="QueryPage"/> once its thumbnails are loaded.</summary>
internal static class QueryPageHtml
{
    /// <summary>The image paths the page shows, query first.</summary>
    public static IEnumerable<string> ImagePaths(QueryPage page)
    {
        if (page.Query.ImagePath is not null)
        {
            yield return page.Query.ImagePath;
        }

        foreach (var neighbour in page.Neighbours)
        {
            yield return neighbour.ImagePath;
        }
    }

    /// <summary>The whole document.</summary>
    public static string Render(QueryPage page, IReadOnlyDictionary<string, Thumbnail> thumbnails, int box)
    {
        var html = new StringBuilder(1024 + (thumbnails.Count * 16 * 1024));
        PageLayout.AppendHead(html, page.Title, box, "query");
        html.Append("<p class=\"summary\">").Append(HtmlText.Escape(page.Summary)).Append("</p>\n")
            .Append("<p class=\"meta\">Scores are ").Append(HtmlText.Escape(MetricText.Name(page.Metric)))
            .Append(": ").Append(MetricText.Direction(page.Metric)).Append(".</p>\n");
        PageLayout.AppendImageNotes(html, ImagePaths(page).Count(path => thumbnails[path].IsPlaceholder));

        html.Append("<h2>Query</h2>\n<div class=\"query\">\n");
        if (page.Query.ImagePath is { } queryPath)
        {
            FigureHtml.Append(html, queryPath, thumbnails[queryPath], "<span class=\"rank\">query</span>", "query-image");
        }
        else
        {
            html.Append("<div class=\"query-text\">").Append(HtmlText.Escape(page.Query.Label)).Append("</div>\n");
        }

        html.Append("</div>\n<h2>").Append(HtmlText.Count(page.Neighbours.Count, "neighbour", "neighbours")).Append("</h2>\n");
        if (page.Neighbours.Count == 0)
        {
            html.Append("<p class=\"meta\">The search returned no neighbours.</p>\n");
        }
        else
        {
            html.Append("<div class=\"grid\">\n");
            foreach (var neighbour in page.Neighbours)
            {
                var caption = "<div><span class=\"rank\">#" + HtmlText.Number(neighbour.Rank) + "</span>"
                    + "<span class=\"score\">" + HtmlText.Score(neighbour.Score) + "</span></div>";
                FigureHtml.Append(html, neighbour.ImagePath, thumbnails[neighbour.ImagePath], caption, "neighbour");
            }

            html.Append("</div>\n");
        }

        PageLayout.AppendTail(html);
        return html.ToString();
    }
}
