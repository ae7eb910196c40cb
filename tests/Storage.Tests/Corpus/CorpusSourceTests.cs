using Pipeline.Storage.Corpus;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>Folder inputs, single tars and the decisions of <see cref="CorpusSource"/>, on local folders.</summary>
public sealed class CorpusSourceTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly CorpusSource source = new(CorpusTestStores.Local(), CorpusTestStores.ImageExtensions);

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task AFolder_ListsImagesAndTars_Recursively_InOrdinalKeyOrder_IgnoringOtherFiles()
    {
        foreach (var file in new[] { "b.jpg", "a/x.png", "A.JPG", "notes.txt", "shards/s-0001.tar", "c.jpeg.bak", "a/y.webp", "labels.csv", "a/B.Jpeg" })
        {
            await CorpusTestStores.WriteFileAsync(folder.Path, file);
        }

        var input = await source.OpenAsync(folder.Path + "/");
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(CorpusInputKind.Folder, input.Kind);
        Assert.Equal(folder.Path + "/", input.Root);
        Assert.Equal(StorageLocation.ForLocalFolder(folder.Path), input.RootLocation);
        string[] keys = ["A.JPG", "a/B.Jpeg", "a/x.png", "a/y.webp", "b.jpg", "shards/s-0001.tar"];
        Assert.Equal(keys, entries.Select(e => e.Reference));
        Assert.Equal(keys.Select(k => $"{folder.Path}/{k}"), entries.Select(e => e.ImagePath));
        Assert.Equal([.. Enumerable.Repeat(CorpusEntryKind.Image, 5), CorpusEntryKind.Tar], entries.Select(e => e.Kind));
    }

    [Fact]
    public async Task AFolder_CanBeEnumeratedAgain_WithTheSameEntries()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "z.jpg");
        await CorpusTestStores.WriteFileAsync(folder.Path, "y.png");
        var input = await source.OpenAsync(folder.Path);

        Assert.Equal(await CorpusTestStores.ListAsync(input), await CorpusTestStores.ListAsync(input));
    }

    [Fact]
    public async Task AMissingFolder_ListsNothing()
    {
        var input = await source.OpenAsync(Path.Join(folder.Path, "absent"));

        Assert.Empty(await CorpusTestStores.ListAsync(input));
    }

    [Theory]
    [InlineData("s3://bucket/images", "unsupported scheme")]
    [InlineData("az://Bad_Container/x", "Container name")]
    [InlineData("   ", "empty")]
    [InlineData("az://corpus/a/../b.txt", "'..' segment")]
    public async Task AnUnparseableInput_IsAnArgumentException_NamingTheOption(string input, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync(input));

        Assert.StartsWith($"--input '{input}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATarInput_IsOneTarEntry_WithAnAbsoluteReference()
    {
        await CorpusTestStores.WriteFileAsync(folder.Path, "wds/shard-000.tar");
        var path = Path.Join(folder.Path, "wds/shard-000.tar");

        var input = await source.OpenAsync(path);
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(CorpusInputKind.TarFile, input.Kind);
        Assert.Null(input.RootLocation);
        Assert.Equal([new CorpusEntry(path, path, CorpusEntryKind.Tar)], entries);
    }

    [Fact]
    public async Task AMissingTar_IsFileNotFound_NamingTheOption()
    {
        var path = Path.Join(folder.Path, "none.tar");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => source.OpenAsync(path));

        Assert.Contains($"--input '{path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("az://corpus/images/", "az://corpus/images")]
    [InlineData("/data/images", "/data/images")]
    [InlineData("az://corpus/list.txt", null)]
    [InlineData("az://corpus/list.CSV", null)]
    [InlineData("az://corpus/list.parquet", null)]
    [InlineData("az://corpus/shard.tar", null)]
    public void RootLocationOf_IsTheFolder_OrNullForManifestsAndTars(string input, string? expected)
    {
        Assert.Equal(expected is null ? null : StorageLocation.Parse(expected), CorpusSource.RootLocationOf(input));
    }
}
