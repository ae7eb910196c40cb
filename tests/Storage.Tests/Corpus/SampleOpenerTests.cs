using Pipeline.Storage.Corpus;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary><see cref="SampleOpener"/> on local references of every kind (blob references: <see cref="BlobCorpusTests"/>).</summary>
public sealed class SampleOpenerTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task RelativeKeys_ReadFromTheInputRoot()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "sub/a.jpg", "A");
        var opener = new SampleOpener(CorpusTestStores.Local(), StorageLocation.ForLocalFolder(folder.Path));

        Assert.Equal("A"u8.ToArray(), await opener.ReadAllBytesAsync("sub/a.jpg"));
        await using var stream = await opener.OpenReadAsync("sub/a.jpg");
        Assert.Equal('A', stream.ReadByte());
    }

    [Fact]
    public async Task AbsolutePathsAndFileUrls_ReadWithoutARoot_OneStorePerParentFolder()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "x/1.jpg", "1");
        await CorpusTestStores.WriteFileAsync(folder.Path, "x/2 with space.jpg", "2");
        await CorpusTestStores.WriteFileAsync(folder.Path, "y/3.jpg", "3");
        var opener = new SampleOpener(CorpusTestStores.Local(), null);

        Assert.Equal("1"u8.ToArray(), await opener.ReadAllBytesAsync(Path.Join(folder.Path, "x/1.jpg")));
        Assert.Equal("2"u8.ToArray(), await opener.ReadAllBytesAsync(Path.Join(folder.Path, "x/2 with space.jpg")));
        Assert.Equal("3"u8.ToArray(), await opener.ReadAllBytesAsync(new Uri(Path.Join(folder.Path, "y/3.jpg")).AbsoluteUri));
        Assert.Equal(2, opener.CachedStores);
    }

    [Fact]
    public async Task ConcurrentReads_ShareTheCachedStores()
    {
        for (var f = 0; f < 3; f++)
        {
            for (var i = 0; i < 10; i++)
            {
                await CorpusTestStores.WriteFileAsync(folder.Path, $"d{f}/{i}.jpg", $"{f}{i}");
            }
        }

        var opener = new SampleOpener(CorpusTestStores.Local(), null);
        var references = Enumerable.Range(0, 300).Select(n => (Path: Path.Join(folder.Path, $"d{n % 3}/{n % 10}.jpg"), Content: $"{n % 3}{n % 10}")).ToList();

        await Parallel.ForEachAsync(references, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
            Assert.Equal(r.Content, System.Text.Encoding.UTF8.GetString(await opener.ReadAllBytesAsync(r.Path, ct))));

        Assert.Equal(3, opener.CachedStores);
    }

    [Theory]
    [InlineData("s3://bucket/a.jpg", "unsupported scheme")]
    [InlineData("az://corpus", "names a container")]
    [InlineData("az://corpus/a/../b.jpg", "'..' segment")]
    [InlineData("https://acct.blob.core.windows.net/corpus/a.jpg?sig=secret", "SAS tokens are not accepted")]
    [InlineData("/", "names no file")]
    public async Task UnopenableReferences_AreArgumentExceptions_NamingTheReference(string reference, string expected)
    {
        var opener = new SampleOpener(CorpusTestStores.Local(), StorageLocation.ForLocalFolder(folder.Path));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => opener.ReadAllBytesAsync(reference));

        Assert.StartsWith($"Cannot open '{reference}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyThatLooksLikeAHomePath_IsStillAKeyBelowTheRoot()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "~/a.jpg", "tilde");
        var opener = new SampleOpener(CorpusTestStores.Local(), StorageLocation.ForLocalFolder(folder.Path));

        Assert.Equal("tilde"u8.ToArray(), await opener.ReadAllBytesAsync("~/a.jpg"));
    }

    [Fact]
    public async Task ARelativeKeyWithoutARoot_IsAnArgumentException()
    {
        var opener = new SampleOpener(CorpusTestStores.Local(), null);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => opener.OpenReadAsync("a.jpg"));

        Assert.Contains("relative key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSamples_AreFileNotFound_ForKeysAndAbsolutePaths()
    {
        var opener = new SampleOpener(CorpusTestStores.Local(), StorageLocation.ForLocalFolder(folder.Path));

        await Assert.ThrowsAsync<FileNotFoundException>(() => opener.ReadAllBytesAsync("gone.jpg"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => opener.ReadAllBytesAsync(Path.Join(folder.Path, "no/such.jpg")));
    }

    [Fact]
    public async Task EveryReferenceAManifestListed_Opens()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "lists/img/a.jpg", "a");
        await CorpusTestStores.WriteFileAsync(folder.Path, "other/b.jpg", "b");
        await CorpusTestStores.WriteFileAsync(folder.Path, "lists/m.txt", $"img/a.jpg\n../other/b.jpg\n{Path.Join(folder.Path, "other/b.jpg")}\n");
        var input = await new CorpusSource(CorpusTestStores.Local(), CorpusTestStores.ImageExtensions).OpenAsync(Path.Join(folder.Path, "lists/m.txt"));
        var opener = new SampleOpener(CorpusTestStores.Local(), input.RootLocation);

        var contents = new List<string>();
        await foreach (var entry in input.EntriesAsync())
        {
            contents.Add(System.Text.Encoding.UTF8.GetString(await opener.ReadAllBytesAsync(entry.Reference)));
        }

        Assert.Equal(["a", "b", "b"], contents);
    }
}
