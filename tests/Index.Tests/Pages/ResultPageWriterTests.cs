using System.Text;
using Pipeline.Index.Pages;

namespace Pipeline.Index.Tests.Pages;

public sealed class ResultPageWriterTests(TestImageFolder images) : IClassFixture<TestImageFolder>
{
    private readonly ResultPageWriter _writer = new();

    [Fact]
    public async Task Query_page_has_one_figure_per_image_with_rank_and_four_decimal_score()
    {
        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, SamplePages.Query(), images.Source));

        Assert.Equal(SamplePages.QueryImages, PageHtml.Count(html, "<figure "));
        Assert.Equal(6, PageHtml.Count(html, "<figure class=\"thumb neighbour"));
        Assert.Equal(1, PageHtml.Count(html, "<figure class=\"thumb query-image"));
        Assert.Equal(["1.0000", "0.8731", "0.5000", "0.4123", "0.3000", "-0.0123"], PageHtml.Scores(html));
        for (var rank = 1; rank <= 6; rank++)
        {
            Assert.Contains($"<span class=\"rank\">#{rank}</span>", html);
        }

        Assert.Contains("Scores are cosine similarity: higher is more similar.", html);
        Assert.Contains("<p class=\"summary\">k = 6, index demo-cosine, 3 ms</p>", html);
    }

    [Fact]
    public async Task Query_without_image_shows_its_label_and_names_the_metric()
    {
        var page = new QueryPage(
            "Vector query", "k = 2", PageQuery.WithoutImage("vector from q.npy"), IndexMetric.L2,
            [new PageNeighbour(1, TestImageFolder.Photo, 0.25f), new PageNeighbour(2, TestImageFolder.Small, 12.5f)]);

        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, page, images.Source));

        Assert.Equal(2, PageHtml.Count(html, "<figure "));
        Assert.Contains("<div class=\"query-text\">vector from q.npy</div>", html);
        Assert.Contains("Scores are squared L2 distance: lower is more similar.", html);
        Assert.Equal(["0.2500", "12.5000"], PageHtml.Scores(html));
        Assert.DoesNotContain("unreadable-note", html);
    }

    [Fact]
    public async Task Every_image_is_an_embedded_data_uri_and_nothing_points_outside_the_page()
    {
        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, SamplePages.Query(), images.Source));

        var sources = PageHtml.ImageSources(html);
        Assert.Equal(SamplePages.QueryImages, sources.Length);
        Assert.Equal(6, sources.Count(src => src.StartsWith("data:image/jpeg;base64,", StringComparison.Ordinal)));
        Assert.Equal(1, sources.Count(src => src.StartsWith("data:image/svg+xml;base64,", StringComparison.Ordinal)));
        var text = PageHtml.WithoutDataUris(html);
        foreach (var external in new[] { "http:", "https:", "//", "href=", "url(", "@import" })
        {
            Assert.False(text.Contains(external, StringComparison.OrdinalIgnoreCase), $"The page refers to something outside it: found '{external}'.");
        }
    }

    [Fact]
    public async Task Unreadable_image_becomes_a_placeholder_with_the_error_in_its_title()
    {
        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, SamplePages.Query(), images.Source));

        Assert.Equal(1, PageHtml.Count(html, "data-unreadable=\"1\""));
        var placeholder = Assert.Single(PageHtml.Images(html), image => image.Src.StartsWith("data:image/svg+xml", StringComparison.Ordinal));
        Assert.StartsWith("unreadable: Could not decode the image:", placeholder.Title);
        Assert.Contains("truncated", placeholder.Title);
        Assert.Equal((192, 192), (placeholder.Width, placeholder.Height));
        var svg = Encoding.UTF8.GetString(Convert.FromBase64String(placeholder.Src["data:image/svg+xml;base64,".Length..]));
        Assert.Contains(">unreadable</text>", svg);
        Assert.Contains("1 image could not be read; it is shown as", html);
    }

    [Fact]
    public async Task Paths_and_titles_from_data_are_escaped_and_cannot_inject_markup()
    {
        var page = SamplePages.Query() with { Title = "Results for <b>\"x\" & 'y'</b>", Summary = "</p><script>alert(2)</script>" };
        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, page, images.Source));

        Assert.Equal(1, PageHtml.Count(html.ToLowerInvariant(), "<script"));
        Assert.DoesNotContain("alert(1)</script>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("<span class=\"path\">&lt;script&gt;alert(1)&lt;/script&gt;.jpg</span>", html);
        Assert.Contains("alt=\"&lt;script&gt;alert(1)&lt;/script&gt;.jpg\"", html);
        Assert.Contains("<h1>Results for &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</h1>", html);
        Assert.Contains("<p class=\"summary\">&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;</p>", html);
    }

    [Fact]
    public async Task Duplicates_page_marks_the_kept_image_of_each_cluster_and_summarises_all_clusters()
    {
        var html = await PageHtml.WriteAsync(s => _writer.WriteDuplicatesPageAsync(s, SamplePages.Duplicates(), images.Source));

        Assert.Equal(SamplePages.DuplicateImages, PageHtml.Count(html, "<figure "));
        Assert.Equal(3, PageHtml.Count(html, "<section class=\"cluster\""));
        Assert.Equal(3, PageHtml.Count(html, "<figure class=\"thumb keep"));
        Assert.Equal(3, PageHtml.Count(html, "<span class=\"badge keep\">KEEP</span>"));
        Assert.Equal(5, PageHtml.Count(html, "<span class=\"badge removed\">removed</span>"));
        Assert.Contains("3 clusters, 5 images removed, threshold 0.9500 (cosine similarity; pairs at or above it are duplicates).", html);
        Assert.Contains("<h2>Cluster 7 \u00b7 2 images</h2>", html);
        Assert.Equal(["0.9912", "0.9912", "0.9600", "\u2014", "0.9510", "0.9700", "0.9700", "0.9550"], PageHtml.Scores(html));
        Assert.Contains("alt=\"a &quot;quoted&quot; &amp; &#39;single&#39; name.png\"", html);
        Assert.Equal(1, PageHtml.Count(html, "data-unreadable=\"1\""));
        Assert.DoesNotContain("clusters-left-out", html);
    }

    [Fact]
    public async Task Clusters_past_the_cap_are_counted_in_a_line_and_never_read()
    {
        var read = new List<string>();
        Task<byte[]> Recording(string path, CancellationToken token)
        {
            lock (read)
            {
                read.Add(path);
            }

            return images.Source(path, token);
        }

        var writer = new ResultPageWriter(new ResultPageOptions { MaxClusters = 2 });
        var html = await PageHtml.WriteAsync(s => writer.WriteDuplicatesPageAsync(s, SamplePages.Duplicates(), Recording));

        Assert.Equal(2, PageHtml.Count(html, "<section class=\"cluster\""));
        Assert.Contains("Showing the first 2 of 3 clusters; 1 cluster (3 images) left out.", html);
        Assert.Contains("3 clusters, 5 images removed", html);
        Assert.DoesNotContain("data-cluster=\"12\"", html);
        Assert.Equal(
            [TestImageFolder.Corrupt, TestImageFolder.Large, TestImageFolder.Photo, TestImageFolder.Small, TestImageFolder.Tall],
            read.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Default_cap_draws_200_clusters_and_counts_the_rest()
    {
        var clusters = Enumerable.Range(0, 250)
            .Select(id => new PageCluster(id, [
                new PageClusterMember(TestImageFolder.Photo, true, 0.99f),
                new PageClusterMember(TestImageFolder.Small, false, 0.99f),
            ]))
            .ToArray();
        var page = new DuplicatesPage("Many", 0.9, IndexMetric.InnerProduct, clusters) { Note = "run 42" };

        var html = await PageHtml.WriteAsync(s => _writer.WriteDuplicatesPageAsync(s, page, images.Source));

        Assert.Equal(200, PageHtml.Count(html, "<section class=\"cluster\""));
        Assert.Contains("Showing the first 200 of 250 clusters; 50 clusters (100 images) left out.", html);
        Assert.Contains("250 clusters, 250 images removed, threshold 0.9000 (inner product;", html);
        Assert.Contains("<p class=\"meta\">run 42</p>", html);
    }

    [Fact]
    public async Task File_ReadAllBytesAsync_is_a_thumbnail_source_as_it_is()
    {
        var path = Path.Combine(images.Root, TestImageFolder.Photo);
        var page = new QueryPage("t", "s", PageQuery.FromImage(path), IndexMetric.Cosine, [new PageNeighbour(1, path, 1f)]);

        var html = await PageHtml.WriteAsync(s => _writer.WriteQueryPageAsync(s, page, File.ReadAllBytesAsync));

        Assert.Equal(2, PageHtml.ImageSources(html).Count(src => src.StartsWith("data:image/jpeg;base64,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Page_is_utf8_without_bom_and_the_stream_stays_open()
    {
        using var stream = new MemoryStream();
        await _writer.WriteQueryPageAsync(stream, SamplePages.Query() with { Summary = "caf\u00e9 \u2014 ok" }, images.Source);

        Assert.True(stream.CanWrite, "The writer closed the caller's stream.");
        var bytes = stream.ToArray();
        Assert.Equal("<!DOCTYPE html>"u8.ToArray(), bytes[..15]);
        Assert.Contains("caf\u00e9 \u2014 ok", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task Cancelled_write_throws_and_writes_nothing()
    {
        using var stream = new MemoryStream();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _writer.WriteDuplicatesPageAsync(stream, SamplePages.Duplicates(), images.Source, cancelled.Token));
        Assert.Equal(0, stream.Length);
    }
}
