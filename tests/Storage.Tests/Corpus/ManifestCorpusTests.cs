using System.Text;
using Pipeline.Storage.Corpus;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>txt, csv and parquet manifests in a local folder: path resolution, columns, order and the errors users see.</summary>
public sealed class ManifestCorpusTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly CorpusSource source = new(CorpusTestStores.Local(), CorpusTestStores.ImageExtensions);

    public void Dispose() => folder.Dispose();

    private string Lists => Path.Join(folder.Path, "lists");

    private string Resolved(string relative) => Path.GetFullPath(Path.Join(Lists, relative));

    [Fact]
    public async Task ATextManifest_KeepsFileOrderAndDuplicates_SkipsBlankLines_AndResolvesEachKindOfPath()
    {
        var text = "img/a.jpg\r\n\r\n   \n/abs/path/b.png\naz://corpus/c.jpg\n" +
                   "https://acct.blob.core.windows.net/corpus/d%20e.jpg\nimg/a.jpg\n../up/u.JPG\n  ./shards/s-01.tar  \nno-extension\n~/home.jpg\n";
        var manifest = await WriteAsync("lists/m.txt", "\uFEFF" + text);

        var input = await source.OpenAsync(manifest);
        var entries = await CorpusTestStores.ListAsync(input);

        Assert.Equal(CorpusInputKind.Manifest, input.Kind);
        Assert.Null(input.RootLocation);
        Assert.Equal(
            [
                new CorpusEntry("img/a.jpg", Resolved("img/a.jpg"), CorpusEntryKind.Image),
                new CorpusEntry("/abs/path/b.png", "/abs/path/b.png", CorpusEntryKind.Image),
                new CorpusEntry("az://corpus/c.jpg", "az://corpus/c.jpg", CorpusEntryKind.Image),
                new CorpusEntry("https://acct.blob.core.windows.net/corpus/d%20e.jpg", "https://acct.blob.core.windows.net/corpus/d%20e.jpg", CorpusEntryKind.Image),
                new CorpusEntry("img/a.jpg", Resolved("img/a.jpg"), CorpusEntryKind.Image),
                new CorpusEntry("../up/u.JPG", Path.Join(folder.Path, "up/u.JPG"), CorpusEntryKind.Image),
                new CorpusEntry("./shards/s-01.tar", Resolved("shards/s-01.tar"), CorpusEntryKind.Tar),
                new CorpusEntry("no-extension", Resolved("no-extension"), CorpusEntryKind.Image),
                new CorpusEntry("~/home.jpg", Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "home.jpg"), CorpusEntryKind.Image),
            ],
            entries);
    }

    [Fact]
    public async Task ACsvManifest_ReadsTheImagePathColumn_WithQuotedCommasQuotesAndLineBreaks()
    {
        var csv = "id,image_path,caption\n" +
                  "1,img/a.jpg,plain\n" +
                  "2,\"img/with, comma.jpg\",\"a caption, with a comma\"\n" +
                  "3,\"img/say \"\"cheese\"\".png\",\"two\nlines\"\n" +
                  "4,,empty path is skipped\n" +
                  "5,az://corpus/x.jpg,absolute\n" +
                  "6\n";
        var manifest = await WriteAsync("lists/m.csv", csv);

        var entries = await CorpusTestStores.ListAsync(await source.OpenAsync(manifest));

        Assert.Equal(["img/a.jpg", "img/with, comma.jpg", "img/say \"cheese\".png", "az://corpus/x.jpg"], entries.Select(e => e.ImagePath));
        Assert.Equal([Resolved("img/a.jpg"), Resolved("img/with, comma.jpg"), Resolved("img/say \"cheese\".png"), "az://corpus/x.jpg"], entries.Select(e => e.Reference));
    }

    [Fact]
    public async Task ACsvManifest_AcceptsAPathColumn_AnyCase_AndPrefersImagePathWhenBothExist()
    {
        var pathOnly = await WriteAsync("lists/p.csv", "caption, Path \nx,a.jpg\ny,b.jpg\n");
        var both = await WriteAsync("lists/both.csv", "path,image_path\nwrong.jpg,right.jpg\n");

        Assert.Equal(["a.jpg", "b.jpg"], (await CorpusTestStores.ListAsync(await source.OpenAsync(pathOnly))).Select(e => e.ImagePath));
        Assert.Equal(["right.jpg"], (await CorpusTestStores.ListAsync(await source.OpenAsync(both))).Select(e => e.ImagePath));
    }

    [Fact]
    public async Task ACsvManifestWithoutAPathColumn_FailsAtOpen_NamingTheColumnsItHas()
    {
        var manifest = await WriteAsync("lists/m.csv", "file,caption\na.jpg,x\n");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync(manifest));

        Assert.StartsWith($"--input '{manifest}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("no 'image_path' or 'path' column", error.Message, StringComparison.Ordinal);
        Assert.Contains("'file', 'caption'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyCsvManifest_FailsAtOpen_AskingForAHeader()
    {
        var manifest = await WriteAsync("lists/m.csv", "");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync(manifest));

        Assert.Contains("--input", error.Message, StringComparison.Ordinal);
        Assert.Contains("header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACsvManifestWithAnUnclosedQuote_FailsWhileListing_WithInvalidData()
    {
        var manifest = await WriteAsync("lists/m.csv", "image_path\na.jpg\n\"b.jpg\nc.jpg\n");
        var input = await source.OpenAsync(manifest);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => CorpusTestStores.ListAsync(input));

        Assert.Contains("--input", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AParquetManifest_ReadsImagePath_AcrossRowGroups_SkippingNullsAndBlanks()
    {
        var manifest = Path.Join(Lists, "m.parquet");
        Directory.CreateDirectory(Lists);
        await using (var file = File.Create(manifest))
        {
            ManifestRow[] first = [new() { Id = 1, ImagePath = "img/a.jpg" }, new() { Id = 2, ImagePath = null }, new() { Id = 3, ImagePath = "/abs/b.png" }];
            ManifestRow[] second = [new() { Id = 4, ImagePath = " " }, new() { Id = 5, ImagePath = "az://corpus/c.jpg" }, new() { Id = 6, ImagePath = "img/a.jpg" }];
            await global::Parquet.Serialization.ParquetSerializer.SerializeAsync(first, file, ParquetFiles.WriteOptions());
            await global::Parquet.Serialization.ParquetSerializer.SerializeAsync(second, file, new global::Parquet.ParquetOptions { Append = true });
        }

        await using (var file = File.OpenRead(manifest))
        await using (var reader = await global::Parquet.ParquetReader.CreateAsync(file))
        {
            Assert.Equal(2, reader.RowGroupCount);
        }

        var entries = await CorpusTestStores.ListAsync(await source.OpenAsync(manifest));

        Assert.Equal(["img/a.jpg", "/abs/b.png", "az://corpus/c.jpg", "img/a.jpg"], entries.Select(e => e.ImagePath));
        Assert.Equal([Resolved("img/a.jpg"), "/abs/b.png", "az://corpus/c.jpg", Resolved("img/a.jpg")], entries.Select(e => e.Reference));
    }

    [Fact]
    public async Task AParquetManifest_AcceptsAPathColumn()
    {
        var manifest = await WriteParquetAsync("lists/p.parquet", new PathManifestRow[] { new() { Path = "x/1.jpg", Caption = "not a path" }, new() { Path = "x/2.jpg" } });

        var entries = await CorpusTestStores.ListAsync(await source.OpenAsync(manifest));

        Assert.Equal([Resolved("x/1.jpg"), Resolved("x/2.jpg")], entries.Select(e => e.Reference));
    }

    [Fact]
    public async Task AParquetManifestWithoutAStringPathColumn_FailsAtOpen()
    {
        var noColumn = await WriteParquetAsync("lists/none.parquet", new CaptionRow[] { new() { Url = "x", Caption = "y" } });
        var numeric = await WriteParquetAsync("lists/n.parquet", new NumericPathRow[] { new() { Path = 3 } });
        var notParquet = await WriteAsync("lists/bad.parquet", "this is not parquet at all, not even close");

        var missing = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync(noColumn));
        var wrongType = await Assert.ThrowsAsync<ArgumentException>(() => source.OpenAsync(numeric));
        var garbage = await Assert.ThrowsAsync<InvalidDataException>(() => source.OpenAsync(notParquet));

        Assert.Contains("'url', 'caption'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("not a string column", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("not a readable parquet file", garbage.Message, StringComparison.Ordinal);
        Assert.All(new Exception[] { missing, wrongType, garbage }, e => Assert.Contains("--input", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lists/none.txt")]
    [InlineData("lists/none.csv")]
    [InlineData("lists/none.parquet")]
    [InlineData("nowhere/none.txt")]
    public async Task AMissingManifest_IsFileNotFound_NamingTheOption(string relative)
    {
        var manifest = Path.Join(folder.Path, relative);

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => source.OpenAsync(manifest));

        Assert.StartsWith($"--input '{manifest}': the manifest does not exist", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string relative, string content)
    {
        var path = Path.Join(folder.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content, new UTF8Encoding(false));
        return path;
    }

    private async Task<string> WriteParquetAsync<T>(string relative, T[] rows)
    {
        var path = Path.Join(folder.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await ParquetFiles.WriteAsync(file, rows);
        return path;
    }
}
