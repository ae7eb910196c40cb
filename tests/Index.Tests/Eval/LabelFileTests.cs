using System.Text;
using System.Text.Json.Serialization;
using Pipeline.Index.Eval;
using Pipeline.Storage;

namespace Pipeline.Index.Tests.Eval;

public sealed class LabelFileTests
{
    private static Task<IReadOnlyList<LabelledImage>> ReadCsv(string text, string fileName = "labels.csv") =>
        LabelFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), fileName);

    private static async Task<MemoryStream> Parquet<T>(IReadOnlyList<T> rows)
    {
        var stream = new MemoryStream();
        await ParquetFiles.WriteAsync(stream, rows);
        stream.Position = 0;
        return stream;
    }

    public sealed class StringRow
    {
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("image_path")] public string? ImagePath { get; set; }
        [JsonPropertyName("split")] public string? Split { get; set; }
    }

    public sealed class IntRow
    {
        [JsonPropertyName("image_path")] public string ImagePath { get; set; } = "";
        [JsonPropertyName("label")] public int Label { get; set; }
    }

    public sealed class NullableLongRow
    {
        [JsonPropertyName("image_path")] public string ImagePath { get; set; } = "";
        [JsonPropertyName("label")] public long? Label { get; set; }
    }

    public sealed class DoubleRow
    {
        [JsonPropertyName("image_path")] public string ImagePath { get; set; } = "";
        [JsonPropertyName("label")] public double Label { get; set; }
    }

    [Fact]
    public async Task Csv_columns_may_come_in_any_order_with_extra_columns()
    {
        var items = await ReadCsv("split,Label, IMAGE_PATH \ntrain,cat,a/1.jpg\ntest,\"dog, big\",\"b/2,x.jpg\"\r\n,7,c.jpg\n");

        Assert.Equal([new("a/1.jpg", "cat"), new("b/2,x.jpg", "dog, big"), new("c.jpg", "7")], items);
    }

    [Fact]
    public async Task Csv_with_a_utf8_byte_order_mark_is_read()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("image_path,label\ncafé.jpg,chat\n")).ToArray();

        var items = await LabelFile.ReadAsync(new MemoryStream(bytes), "excel.csv");

        Assert.Equal([new("café.jpg", "chat")], items);
    }

    [Fact]
    public async Task Csv_without_a_label_column_names_the_file_and_the_column()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("image_path,class\na.jpg,cat\n", "eval/pets.csv"));

        Assert.Contains("'eval/pets.csv'", error.Message);
        Assert.Contains("no 'label' column", error.Message);
        Assert.Contains("'image_path', 'class'", error.Message);
    }

    [Fact]
    public async Task Csv_without_an_image_path_column_names_it()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("path,label\na.jpg,cat\n"));

        Assert.Contains("no 'image_path' column", error.Message);
    }

    [Fact]
    public async Task Csv_empty_label_names_the_line()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("image_path,label\na.jpg,cat\nb.jpg,  \n"));

        Assert.Contains("line 3", error.Message);
        Assert.Contains("'b.jpg'", error.Message);
    }

    [Fact]
    public async Task Csv_short_record_is_an_empty_label()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("image_path,label\na.jpg\n"));

        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public async Task Csv_path_listed_twice_is_named()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("image_path,label\na.jpg,cat\nb.jpg,dog\na.jpg,dog\n"));

        Assert.Contains("'a.jpg' is listed twice (line 2 and line 4)", error.Message);
    }

    [Fact]
    public async Task Csv_unterminated_quote_is_malformed()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadCsv("image_path,label\n\"a.jpg,cat\n"));

        Assert.Contains("'labels.csv' is malformed", error.Message);
    }

    [Fact]
    public async Task Parquet_string_labels_are_read_with_columns_in_any_order()
    {
        var rows = new[]
        {
            new StringRow { Label = "cat", ImagePath = "a.jpg", Split = "train" },
            new StringRow { Label = " dog ", ImagePath = "b.jpg" },
        };

        var items = await LabelFile.ReadAsync(await Parquet(rows), "labels.parquet");

        Assert.Equal([new("a.jpg", "cat"), new("b.jpg", "dog")], items);
    }

    [Fact]
    public async Task Parquet_integer_labels_become_invariant_strings()
    {
        var rows = new[] { new IntRow { ImagePath = "a.jpg", Label = 3 }, new IntRow { ImagePath = "b.jpg", Label = -12 } };

        var items = await LabelFile.ReadAsync(await Parquet(rows), "labels.PARQUET");

        Assert.Equal([new("a.jpg", "3"), new("b.jpg", "-12")], items);
    }

    [Fact]
    public async Task Parquet_null_label_names_the_row()
    {
        var rows = new[] { new NullableLongRow { ImagePath = "a.jpg", Label = 1 }, new NullableLongRow { ImagePath = "b.jpg", Label = null } };

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await LabelFile.ReadAsync(await Parquet(rows), "l.parquet"));

        Assert.Contains("'l.parquet', row 2", error.Message);
    }

    [Fact]
    public async Task Parquet_nullable_integer_labels_without_nulls_are_read()
    {
        var rows = new[] { new NullableLongRow { ImagePath = "a.jpg", Label = 10_000_000_000 } };

        var items = await LabelFile.ReadAsync(await Parquet(rows), "l.parquet");

        Assert.Equal([new("a.jpg", "10000000000")], items);
    }

    [Fact]
    public async Task Parquet_path_listed_twice_is_named()
    {
        var rows = new[] { new IntRow { ImagePath = "a.jpg", Label = 1 }, new IntRow { ImagePath = "a.jpg", Label = 2 } };

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await LabelFile.ReadAsync(await Parquet(rows), "l.parquet"));

        Assert.Contains("'a.jpg' is listed twice (row 1 and row 2)", error.Message);
    }

    [Fact]
    public async Task Parquet_missing_column_and_wrong_type_are_named()
    {
        var missing = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await LabelFile.ReadAsync(await Parquet(new[] { new FailureRowLike { ImagePath = "a.jpg" } }), "m.parquet"));
        Assert.Contains("'m.parquet' has no 'label' column", missing.Message);

        var wrongType = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await LabelFile.ReadAsync(await Parquet(new[] { new DoubleRow { ImagePath = "a.jpg", Label = 1.5 } }), "d.parquet"));
        Assert.Contains("column 'label' holds Double", wrongType.Message);
    }

    public sealed class FailureRowLike
    {
        [JsonPropertyName("image_path")] public string ImagePath { get; set; } = "";
    }

    [Fact]
    public async Task Parquet_from_a_forward_only_stream_is_read()
    {
        var bytes = (await Parquet(new[] { new IntRow { ImagePath = "a.jpg", Label = 1 } })).ToArray();

        var items = await LabelFile.ReadAsync(new ForwardOnlyStream(bytes), "l.parquet");

        Assert.Equal([new("a.jpg", "1")], items);
    }

    [Fact]
    public async Task Not_parquet_and_unknown_extensions_are_rejected()
    {
        var notParquet = await Assert.ThrowsAsync<InvalidDataException>(() =>
            LabelFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("image_path,label\n")), "x.parquet"));
        Assert.Contains("'x.parquet' is not a readable parquet file", notParquet.Message);

        var extension = await Assert.ThrowsAsync<ArgumentException>(() => LabelFile.ReadAsync(new MemoryStream(), "labels.tsv"));
        Assert.Contains("unknown format '.tsv'", extension.Message);
    }

    /// <summary>A stream that cannot seek, as a blob download is.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
