using System.Formats.Tar;
using System.Text;
using Pipeline.Storage.Corpus;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>Image members streamed out of tars built here with <see cref="TarWriter"/>, read through a non-seekable stream.</summary>
public sealed class TarMembersTests
{
    private static readonly string LongPaxName = string.Join('/', Enumerable.Repeat("deep-folder-name", 12)) + "/long-pax.png";
    private static readonly string LongGnuName = new string('g', 180) + "/long-gnu.JPG";

    [Fact]
    public async Task ImageMembers_ComeOutInArchiveOrder_WithTheirFullNames_OthersSkipped()
    {
        var tar = BuildTar(TarEntryFormat.Pax);

        var members = await ReadAllAsync(new NonSeekableStream(new MemoryStream(tar), chunk: 333));

        Assert.Equal(["000001.jpg", "imgs/000002.webp", LongPaxName, LongGnuName, "empty.jpg", "ustar/last.png"], members.Select(m => m.Name));
        Assert.Equal(["jpeg-1", Content(2), Content(3), Content(4), "", "last"], members.Select(m => Encoding.UTF8.GetString(m.Bytes)));
    }

    [Fact]
    public async Task ATruncatedTar_YieldsTheMembersBeforeTheDamage_ThenThrowsInvalidData()
    {
        var tar = BuildTar(TarEntryFormat.Pax);
        var cut = IndexOf(tar, Encoding.UTF8.GetBytes(Content(3))) + 100;

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var member in TarMembers.ReadAsync(new NonSeekableStream(new MemoryStream(tar[..cut])), CorpusTestStores.ImageExtensions))
            {
                seen.Add(member.Name);
            }
        });

        Assert.Equal(["000001.jpg", "imgs/000002.webp"], seen);
        Assert.Contains("truncated or corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATarCutInsideAHeader_OrInsideASkippedMember_ThrowsInvalidData()
    {
        var tar = BuildTar(TarEntryFormat.Pax);
        var insideJson = IndexOf(tar, "{\"label\""u8.ToArray()) + 5;

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new NonSeekableStream(new MemoryStream(tar[..insideJson]))));
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new NonSeekableStream(new MemoryStream(tar[..(512 + 1024 + 300)]))));
    }

    [Fact]
    public async Task Garbage_ThrowsInvalidData()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(new NonSeekableStream(new MemoryStream(garbage))));
    }

    [Theory]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.V7)]
    public async Task EveryEntryFormat_Reads(TarEntryFormat format)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, format, leaveOpen: true))
        {
            var entry = NewEntry(format, TarEntryType.Directory, "d/");
            writer.WriteEntry(entry);
            writer.WriteEntry(File(format, "d/a.png", "A"));
        }

        var members = await ReadAllAsync(new NonSeekableStream(new MemoryStream(buffer.ToArray())));

        Assert.Equal([("d/a.png", "A")], members.Select(m => (m.Name, Encoding.UTF8.GetString(m.Bytes))));
    }

    private static string Content(int n) => $"member-{n}-" + new string((char)('a' + n), 2000);

    private static byte[] BuildTar(TarEntryFormat format)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, format, leaveOpen: true))
        {
            writer.WriteEntry(File(format, "000001.jpg", "jpeg-1"));
            writer.WriteEntry(File(format, "000001.json", "{\"label\": 1, \"padding\": \"" + new string('p', 1500) + "\"}"));
            writer.WriteEntry(NewEntry(format, TarEntryType.Directory, "imgs/"));
            writer.WriteEntry(File(format, "imgs/000002.webp", Content(2)));
            writer.WriteEntry(File(format, "imgs/000002.txt", "a caption"));
            writer.WriteEntry(File(format, LongPaxName, Content(3)));
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, LongGnuName) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(Content(4))) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link.jpg") { LinkName = "000001.jpg" });
            writer.WriteEntry(File(format, "empty.jpg", ""));
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ustar/last.png") { DataStream = new MemoryStream("last"u8.ToArray()) });
        }

        return buffer.ToArray();
    }

    private static TarEntry File(TarEntryFormat format, string name, string content)
    {
        var type = format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile;
        var entry = NewEntry(format, type, name);
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        return entry;
    }

    private static TarEntry NewEntry(TarEntryFormat format, TarEntryType type, string name) => format switch
    {
        TarEntryFormat.V7 => new V7TarEntry(type, name),
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        TarEntryFormat.Gnu => new GnuTarEntry(type, name),
        _ => new PaxTarEntry(type, name),
    };

    private static async Task<List<TarMember>> ReadAllAsync(Stream tar)
    {
        var members = new List<TarMember>();
        await foreach (var member in TarMembers.ReadAsync(tar, CorpusTestStores.ImageExtensions))
        {
            members.Add(member);
        }

        return members;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        var index = haystack.AsSpan().IndexOf(needle);
        Assert.True(index >= 0, "the marker should be in the tar");
        return index;
    }
}
