using System.Text;
using Pipeline.Storage.Corpus;
using Pipeline.Storage.Tests.Azurite;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>Blob prefixes and blob-hosted manifests on Azurite (the configured account), opened back with <see cref="SampleOpener"/>.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobCorpusTests(AzuriteFixture azurite)
{
    private readonly string container = AzuriteFixture.NewContainerName();

    private IObjectStoreFactory Stores => CorpusTestStores.WithAzurite(azurite);

    [Fact]
    public async Task APrefix_ListsImagesAndTars_InOrdinalOrder_AndNothingOutsideIt()
    {
        var store = Stores.Open(StorageLocation.Parse($"az://{container}"));
        foreach (var key in new[] { "corpus/b.jpg", "corpus/A.PNG", "corpus/sub/c.webp", "corpus/sub/x.json", "corpus/wds/0001.tar", "corpus2/outside.jpg", "corpus.jpg", "corpus/_plan/shard_00000.txt" })
        {
            await store.WriteAsync(key, Encoding.UTF8.GetBytes(key));
        }

        var input = await new CorpusSource(Stores, CorpusTestStores.ImageExtensions).OpenAsync($"az://{container}/corpus/");
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(StorageLocation.Parse($"az://{container}/corpus"), input.RootLocation);
        Assert.Equal(["A.PNG", "b.jpg", "sub/c.webp", "wds/0001.tar"], entries.Select(e => e.Reference));
        Assert.Equal(entries.Select(e => $"az://{container}/corpus/{e.Reference}"), entries.Select(e => e.ImagePath));
        Assert.Equal(CorpusEntryKind.Tar, entries[^1].Kind);

        var opener = new SampleOpener(Stores, input.RootLocation);
        Assert.Equal("corpus/sub/c.webp"u8.ToArray(), await opener.ReadAllBytesAsync(entries[2].Reference));
    }

    [Fact]
    public async Task ABlobTextManifest_ResolvesRelativePathsOntoItsFolder_AndEveryReferenceOpens()
    {
        var store = Stores.Open(StorageLocation.Parse($"az://{container}"));
        await store.WriteAsync("data/img/a b.jpg", "a"u8.ToArray());
        await store.WriteAsync("data/other/c.jpg", "c"u8.ToArray());
        await store.WriteAsync("root.jpg", "r"u8.ToArray());
        await store.WriteAsync("data/lists/m.txt", Encoding.UTF8.GetBytes(
            $"../img/a b.jpg\n./../other//c.jpg\naz://{container}/root.jpg\n\n../../../escapes.jpg\n"));

        var input = await new CorpusSource(Stores, CorpusTestStores.ImageExtensions).OpenAsync($"az://{container}/data/lists/m.txt");
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(
            [$"az://{container}/data/img/a b.jpg", $"az://{container}/data/other/c.jpg", $"az://{container}/root.jpg", $"az://{container}/../escapes.jpg"],
            entries.Select(e => e.Reference));
        var opener = new SampleOpener(Stores, input.RootLocation);
        Assert.Equal(["a", "c", "r"], await Task.WhenAll(entries.Take(3).Select(async e => Encoding.UTF8.GetString(await opener.ReadAllBytesAsync(e.Reference)))));
        await Assert.ThrowsAsync<ArgumentException>(() => opener.ReadAllBytesAsync(entries[3].Reference));
    }

    [Fact]
    public async Task AManifestAddressedByEmulatorUrl_GivesUrlReferences_ThatOpen()
    {
        var store = Stores.Open(StorageLocation.Parse($"az://{container}"));
        await store.WriteAsync("u/img/ü 1.png", "u"u8.ToArray());
        await store.WriteAsync("u/m.csv", Encoding.UTF8.GetBytes("image_path\n\"img/ü 1.png\"\n"));
        var account = $"http://127.0.0.1:{azurite.Server.BlobPort}/devstoreaccount1";

        var input = await new CorpusSource(Stores, CorpusTestStores.ImageExtensions).OpenAsync($"{account}/{container}/u/m.csv");
        var entry = Assert.Single(await CorpusTestStores.ListAsync(input));

        Assert.Equal("img/ü 1.png", entry.ImagePath);
        Assert.Equal($"{account}/{container}/u/img/%C3%BC%201.png", entry.Reference);
        Assert.Equal("u"u8.ToArray(), await new SampleOpener(Stores, null).ReadAllBytesAsync(entry.Reference));
    }

    [Fact]
    public async Task ABlobParquetManifest_IsSpooledAndRead_AndATarReferenceStreams()
    {
        var store = Stores.Open(StorageLocation.Parse($"az://{container}"));
        using (var parquet = new MemoryStream())
        {
            await ParquetFiles.WriteAsync(parquet, new PathManifestRow[] { new() { Path = "shards/0001.tar" }, new() { Path = "img/x.jpg" } });
            await store.WriteAsync("p/m.parquet", parquet.ToArray());
        }

        using (var tar = new MemoryStream())
        {
            using (var writer = new System.Formats.Tar.TarWriter(tar, leaveOpen: true))
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "k/1.jpg") { DataStream = new MemoryStream("one"u8.ToArray()) });
            }

            await store.WriteAsync("p/shards/0001.tar", tar.ToArray());
        }

        var input = await new CorpusSource(Stores, CorpusTestStores.ImageExtensions).OpenAsync($"az://{container}/p/m.parquet");
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(
            [new CorpusEntry("shards/0001.tar", $"az://{container}/p/shards/0001.tar", CorpusEntryKind.Tar), new CorpusEntry("img/x.jpg", $"az://{container}/p/img/x.jpg", CorpusEntryKind.Image)],
            entries);
        await using var stream = await new SampleOpener(Stores, null).OpenReadAsync(entries[0].Reference);
        var members = new List<TarMember>();
        await foreach (var member in TarMembers.ReadAsync(stream, CorpusTestStores.ImageExtensions))
        {
            members.Add(member);
        }

        Assert.Equal([("k/1.jpg", "one")], members.Select(m => (m.Name, Encoding.UTF8.GetString(m.Bytes))));
    }

    [Fact]
    public async Task AMissingBlobManifest_AndOneWithoutAPathColumn_FailAtOpen()
    {
        var store = Stores.Open(StorageLocation.Parse($"az://{container}"));
        await store.WriteAsync("m/bad.csv", "file\nx.jpg\n"u8.ToArray());
        var source = new CorpusSource(Stores, CorpusTestStores.ImageExtensions);

        await Assert.ThrowsAsync<FileNotFoundException>(() => source.OpenAsync($"az://{container}/m/none.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => source.OpenAsync($"az://{container}/m/none.csv"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync($"az://{container}/m/bad.csv"));
        Assert.Contains("'file'", error.Message, StringComparison.Ordinal);
    }
}
