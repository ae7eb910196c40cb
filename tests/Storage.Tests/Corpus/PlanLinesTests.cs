using System.Text;
using Pipeline.Storage.Corpus;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>Plan lines: today's bare keys for folder images, an escaped tab form for the rest, and round trips of any text.</summary>
public sealed class PlanLinesTests
{
    [Theory]
    [InlineData("az://corpus/images", "a/b.jpg")]
    [InlineData("az://corpus/images/", "a/b.jpg")]
    [InlineData("/data/images", "ü/with space.png")]
    public void FolderImages_AreTheBareKey_AsPlansWereBefore(string root, string key)
    {
        var lines = new PlanLines(root);
        var entry = new CorpusEntry(root.TrimEnd('/') + "/" + key, key, CorpusEntryKind.Image);

        Assert.Equal(key, lines.Encode(entry));
        Assert.Equal(entry, lines.Decode(key));
    }

    [Fact]
    public void FolderTars_AndManifestEntries_UseTheTabForm()
    {
        var lines = new PlanLines("az://corpus/wds");

        Assert.Equal("az://corpus/wds/s-0001.tar\ts-0001.tar\ttar", lines.Encode(new CorpusEntry("az://corpus/wds/s-0001.tar", "s-0001.tar", CorpusEntryKind.Tar)));
        Assert.Equal("img/a.jpg\t/data/lists/img/a.jpg", lines.Encode(new CorpusEntry("img/a.jpg", "/data/lists/img/a.jpg", CorpusEntryKind.Image)));
        Assert.Equal(@"a\tb\\c\nd.jpg" + "\t" + @"/x/a\tb\\c\nd.jpg", lines.Encode(new CorpusEntry("a\tb\\c\nd.jpg", "/x/a\tb\\c\nd.jpg", CorpusEntryKind.Image)));
    }

    [Fact]
    public void RandomText_RoundTrips_AsOneLine()
    {
        var random = new Random(20261201);
        string[] alphabet = ["a", "Z", "0", "/", ".", " ", "\t", "\n", "\r", "\\", "\\t", "\\n", "é", "中", "😀", "\u0000", "\u2028", "tar", ":", "%20"];
        for (var i = 0; i < 5000; i++)
        {
            var root = Text(random, alphabet, 0, 6);
            var lines = new PlanLines(root);
            var imagePath = Text(random, alphabet, 1, 40);
            var reference = random.Next(4) == 0 ? imagePath : Text(random, alphabet, 1, 40);
            var kind = random.Next(3) == 0 ? CorpusEntryKind.Tar : CorpusEntryKind.Image;
            var entry = random.Next(4) == 0
                ? new CorpusEntry(root.Trim().TrimEnd('/') + "/" + reference, reference, kind)
                : new CorpusEntry(imagePath, reference, kind);

            var line = lines.Encode(entry);

            Assert.False(line.Contains('\n') || line.Contains('\r'), $"plan line {i} holds a line break: '{line}'");
            Assert.Equal(entry, lines.Decode(line));
            var utf8 = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(line));
            Assert.Equal(entry, lines.Decode(utf8));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\tb\tc")]
    [InlineData("a\tb\ttar\textra")]
    [InlineData("a\\x\tb")]
    [InlineData("a\tb\\")]
    public void MalformedLines_AreFormatExceptions(string line)
    {
        Assert.Throws<FormatException>(() => new PlanLines("az://corpus").Decode(line));
    }

    private static string Text(Random random, string[] alphabet, int min, int max)
    {
        var text = new StringBuilder();
        var length = random.Next(min, max + 1);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }
}
