using System.Text;

namespace Pipeline.Index.Pages;

/// <summary>Renders a <see cref="DuplicatesPage"/> once the thumbnails of its shown clusters are loaded.</summary>
internal static class DuplicatesPageHtml
{
    /// <summary>The clusters drawn: the first <paramref name="maxClusters"/>.</summary>
    public static IReadOnlyList<PageCluster> Shown(DuplicatesPage page, int maxClusters) =>
        page.Clusters.Count <= maxClusters ? page.Clusters : page.Clusters.Take(maxClusters).ToArray();

    /// <summary>The whole document; <paramref name="shown"/> is <see cref="Shown"/> of the same page.</summary>
    public static string Render(
        DuplicatesPage page,
        IReadOnlyList<PageCluster> shown,
        IReadOnlyDictionary<string, Thumbnail> thumbnails,
        int box)
    {
        var html = new StringBuilder(1024 + (thumbnails.Count * 16 * 1024));
        PageLayout.AppendHead(html, page.Title, box, "duplicates");
        var comparison = MetricText.LowerIsCloser(page.Metric) ? "at or below" : "at or above";
        html.Append("<p class=\"summary\">")
            .Append(HtmlText.Count(page.ClusterCount, "cluster", "clusters")).Append(", ")
            .Append(HtmlText.Count(page.ImagesRemoved, "image", "images")).Append(" removed, threshold ")
            .Append(HtmlText.Score(page.Threshold)).Append(" (").Append(HtmlText.Escape(MetricText.Name(page.Metric)))
            .Append("; pairs ").Append(comparison).Append(" it are duplicates).</p>\n");
        if (!string.IsNullOrWhiteSpace(page.Note))
        {
            html.Append("<p class=\"meta\">").Append(HtmlText.Escape(page.Note)).Append("</p>\n");
        }

        var leftOut = page.Clusters.Count - shown.Count;
        if (leftOut > 0)
        {
            var leftOutImages = page.Clusters.Skip(shown.Count).Sum(cluster => (long)cluster.Members.Count);
            html.Append("<p class=\"note\" id=\"clusters-left-out\">Showing the first ")
                .Append(HtmlText.Number(shown.Count)).Append(" of ").Append(HtmlText.Number(page.Clusters.Count))
                .Append(" clusters; ").Append(HtmlText.Count(leftOut, "cluster", "clusters"))
                .Append(" (").Append(HtmlText.Count(leftOutImages, "image", "images")).Append(") left out.</p>\n");
        }

        var unreadable = shown.SelectMany(cluster => cluster.Members).Count(member => thumbnails[member.ImagePath].IsPlaceholder);
        PageLayout.AppendImageNotes(html, unreadable);
        if (page.Clusters.Count == 0)
        {
            html.Append("<p class=\"meta\">No duplicates were found.</p>\n");
        }

        foreach (var cluster in shown)
        {
            html.Append("<section class=\"cluster\" data-cluster=\"").Append(HtmlText.Number(cluster.Id)).Append("\">\n<h2>Cluster ")
                .Append(HtmlText.Number(cluster.Id)).Append(" \u00b7 ").Append(HtmlText.Count(cluster.Members.Count, "image", "images"))
                .Append("</h2>\n<div class=\"grid\">\n");
            foreach (var member in cluster.Members)
            {
                var badge = member.Keep
                    ? "<span class=\"badge keep\">KEEP</span>"
                    : "<span class=\"badge removed\">removed</span>";
                var score = member.NearestScore is { } value ? HtmlText.Score(value) : "\u2014";
                var caption = "<div>" + badge + "<span class=\"rank\">nearest</span><span class=\"score\">" + score + "</span></div>";
                FigureHtml.Append(html, member.ImagePath, thumbnails[member.ImagePath], caption, member.Keep ? "keep" : "removed");
            }

            html.Append("</div>\n</section>\n");
        }

        PageLayout.AppendTail(html);
        return html.ToString();
    }
}
