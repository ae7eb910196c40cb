using Pipeline.Index.Pages;

namespace Pipeline.Index.Tests.Pages;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("plain/path.jpg", "plain/path.jpg")]
    [InlineData("<script>alert(1)</script>.jpg", "&lt;script&gt;alert(1)&lt;/script&gt;.jpg")]
    [InlineData("a \"b\" & 'c'", "a &quot;b&quot; &amp; &#39;c&#39;")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("caf\u00e9/\u65e5\u672c.png", "caf\u00e9/\u65e5\u672c.png")]
    [InlineData("", "")]
    public void Escape_replaces_the_five_markup_characters_and_keeps_the_rest(string text, string expected) =>
        Assert.Equal(expected, HtmlText.Escape(text));

    [Theory]
    [InlineData(0.87314, "0.8731")]
    [InlineData(1.0, "1.0000")]
    [InlineData(-0.00005, "-0.0001")]
    [InlineData(1234.5, "1234.5000")]
    public void Score_has_four_decimals_and_a_dot(double score, string expected)
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal(expected, HtmlText.Score(score));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }
}
