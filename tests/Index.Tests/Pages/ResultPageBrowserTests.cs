using System.Text;
using Pipeline.Index.Pages;
using Xunit.Sdk;

namespace Pipeline.Index.Tests.Pages;

/// <summary>
/// Opens the written pages in headless Chromium and reads back what the page's own script counted: every thumbnail,
/// placeholders included, must have displayed. One class, so the browser runs one at a time.
/// </summary>
public sealed class ResultPageBrowserTests(TestImageFolder images) : IClassFixture<TestImageFolder>
{
    private readonly ResultPageWriter _writer = new();

    [Fact]
    public async Task Every_image_of_the_query_page_displays_in_chromium()
    {
        var dom = await RenderAsync("query.html", s => _writer.WriteQueryPageAsync(s, SamplePages.Query(), images.Source));

        AssertAllShown(dom, SamplePages.QueryImages);

        // The script-tag path reached the DOM as text: the browser parsed no element out of it.
        Assert.Contains("<span class=\"path\">&lt;script&gt;alert(1)&lt;/script&gt;.jpg</span>", dom);
    }

    [Fact]
    public async Task Every_image_of_the_duplicates_page_displays_in_chromium()
    {
        var dom = await RenderAsync("duplicates.html", s => _writer.WriteDuplicatesPageAsync(s, SamplePages.Duplicates(), images.Source));

        AssertAllShown(dom, SamplePages.DuplicateImages);
    }

    [Fact]
    public async Task Every_image_of_a_contact_sheet_displays_in_chromium_with_its_prompt_and_seed()
    {
        ContactSheetImage[] sheet =
        [
            new(TestImageFolder.Small, "a red fox in the snow", 100),
            new(TestImageFolder.Red, "<b>not markup</b> & a lighthouse", 101),
            new(TestImageFolder.Tall, "a tall tower", 102),
            new(TestImageFolder.Photo, "a photo", 103),
        ];
        var dom = await RenderAsync("contact.html", s => _writer.WriteContactSheetAsync(s, new ContactSheetPage("Generated", sheet) { Note = "tiny model, lcm 4 steps" }, images.Source));

        AssertAllShown(dom, sheet.Length);
        Assert.Contains("&lt;b&gt;not markup&lt;/b&gt; &amp; a lighthouse", dom);
        Assert.Contains("<span class=\"score\">103</span>", dom);
    }

    [Fact]
    public async Task A_contact_sheet_over_its_image_limit_says_how_many_it_left_out()
    {
        var writer = new ResultPageWriter(new ResultPageOptions { MaxImages = 2 });
        ContactSheetImage[] sheet = [new(TestImageFolder.Small, "one", 1), new(TestImageFolder.Red, "two", 2), new(TestImageFolder.Tall, "three", 3)];
        var dom = await RenderAsync("contact-limit.html", s => writer.WriteContactSheetAsync(s, new ContactSheetPage("Generated", sheet), images.Source));

        AssertAllShown(dom, 2);
        Assert.Contains("Showing the first 2 of 3 images.", dom);
    }

    [Fact]
    public async Task The_count_sees_an_image_that_fails_to_display_and_shows_the_note()
    {
        // A page shell around one good placeholder and one image whose data cannot decode: proves the shown count is
        // measured by the browser, not copied from the total.
        var html = new StringBuilder();
        PageLayout.AppendHead(html, "broken", 192, "test");
        html.Append("<img src=\"").Append(ThumbnailPlaceholder.Create(32, "x").DataUri).Append("\">\n")
            .Append("<img src=\"data:image/jpeg;base64,AAAAAAAA\">\n");
        PageLayout.AppendImageNotes(html, unreadable: 0);
        PageLayout.AppendTail(html);

        var dom = await RenderAsync("broken.html", s => s.WriteAsync(Encoding.UTF8.GetBytes(html.ToString())).AsTask());

        Assert.Equal("2", PageHtml.BodyAttribute(dom, "data-images-total"));
        Assert.Equal("1", PageHtml.BodyAttribute(dom, "data-images-shown"));
        Assert.Contains("<p class=\"note\" id=\"image-note\">1 of 2 thumbnails did not display in this browser.</p>", dom);
    }

    [Fact]
    public async Task A_missing_browser_fails_with_a_pointer_to_test_sh()
    {
        var missing = Path.Combine(images.Root, "no-such-chromium");

        var failure = await Assert.ThrowsAsync<FailException>(() => HeadlessChromium.DumpDomAsync(Path.Combine(images.Root, "x.html"), missing));

        Assert.Contains("Run ./test.sh", failure.Message);
    }

    private async Task<string> RenderAsync(string name, Func<Stream, Task> write)
    {
        var path = Path.Combine(images.Root, name);
        await using (var file = File.Create(path))
        {
            await write(file);
        }

        return await HeadlessChromium.DumpDomAsync(path);
    }

    private static void AssertAllShown(string dom, int expected)
    {
        var total = PageHtml.BodyAttribute(dom, "data-images-total");
        var shown = PageHtml.BodyAttribute(dom, "data-images-shown");
        Assert.True(
            total == expected.ToString() && shown == expected.ToString(),
            $"Expected {expected} images total and shown, the page's script saw total={total ?? "(unset)"}, shown={shown ?? "(unset)"}.");
        Assert.Equal(expected, PageHtml.Count(dom, "data-shown=\"1\""));
        Assert.Contains("<p class=\"note\" id=\"image-note\" hidden=\"\"></p>", dom);
    }
}
