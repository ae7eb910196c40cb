using Pipeline.Index;
using Pipeline.Index.Exact;
using Pipeline.Index.Hnsw;

namespace Pipeline.Index.Tests.Hnsw;

public sealed class HnswStorageTests : IDisposable
{
    private const int Dim = 32;
    private static readonly HnswParameters Parameters = new(16, 64, 48);
    private readonly HnswTestData.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SavedIndex(string name = "shard.hnsw", IndexStorage storage = IndexStorage.Float16, int partitions = 2)
    {
        var data = HnswTestData.Mixture(3000, Dim, seed: 11);
        data[17 * Dim] = float.NaN;
        using var index = HnswShardIndex.Build(data, Dim, IndexMetric.Cosine, storage, Parameters, out _, partitions);
        string path = Path.Combine(_folder.Path, name);
        index.Save(path);
        return path;
    }

    [Theory]
    [InlineData(IndexStorage.Float16, 2)]
    [InlineData(IndexStorage.Float32, 1)]
    public void Save_then_open_gives_identical_results(IndexStorage storage, int partitions)
    {
        var data = HnswTestData.Mixture(3000, Dim, seed: 11);
        data[17 * Dim] = float.NaN;
        var queries = HnswTestData.Mixture(200, Dim, seed: 12);
        using var built = HnswShardIndex.Build(data, Dim, IndexMetric.Cosine, storage, Parameters, out _, partitions);
        string path = Path.Combine(_folder.Path, "round-trip.hnsw");
        built.Save(path);

        using var opened = HnswShardIndex.Open(path, Dim, IndexMetric.Cosine);
        var before = built.Search(queries, Dim, 10);
        var after = opened.Search(queries, Dim, 10);
        var afterOtherEf = opened.Search(queries, Dim, 10, expansionSearch: 200);
        var beforeOtherEf = built.Search(queries, Dim, 10, expansionSearch: 200);

        Assert.Equal((3000, 2999, Dim, storage, partitions), (opened.InputRows, opened.Rows, opened.Dimension, opened.Storage, opened.Partitions));
        Assert.Equal(Parameters, opened.Parameters);
        Assert.Equal(before.Indices, after.Indices);
        Assert.Equal(before.Scores, after.Scores);
        Assert.Equal(beforeOtherEf.Indices, afterOtherEf.Indices);
        Assert.Equal(beforeOtherEf.Scores, afterOtherEf.Scores);
    }

    [Fact]
    public void Saving_an_opened_index_elsewhere_copies_it()
    {
        string path = SavedIndex();
        var queries = HnswTestData.Mixture(20, Dim, seed: 13);
        using var opened = HnswShardIndex.Open(path, Dim, IndexMetric.Cosine);
        string copy = Path.Combine(_folder.Path, "copy.hnsw");
        opened.Save(copy);
        using var reopened = HnswShardIndex.Open(copy, Dim, IndexMetric.Cosine);

        Assert.Equal(opened.Search(queries, Dim, 5).Indices, reopened.Search(queries, Dim, 5).Indices);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = Path.Combine(_folder.Path, "nothing-here.hnsw");

        var e = Assert.Throws<FileNotFoundException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_part_names_the_part()
    {
        string path = SavedIndex();
        File.Delete(path + ".part1");

        var e = Assert.Throws<FileNotFoundException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(path + ".part1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_part_is_invalid_data_naming_the_part()
    {
        string path = SavedIndex();
        string part = path + ".part0";
        using (var stream = new FileStream(part, FileMode.Open))
            stream.SetLength(stream.Length / 2);

        var e = Assert.Throws<InvalidDataException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(part, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_part_is_invalid_data_naming_the_part()
    {
        string path = SavedIndex();
        string part = path + ".part1";
        var bytes = File.ReadAllBytes(part);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(part, bytes);

        var e = Assert.Throws<InvalidDataException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    public void Truncated_manifest_is_invalid_data_naming_it(int keepBytes)
    {
        string path = SavedIndex();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..keepBytes]);

        var e = Assert.Throws<InvalidDataException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_manifest_is_invalid_data_naming_it()
    {
        string path = SavedIndex();
        var bytes = File.ReadAllBytes(path);
        bytes[13] ^= 0x01; // inside the dimension field
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_invalid_data()
    {
        string path = Path.Combine(_folder.Path, "not-an-index.hnsw");
        File.WriteAllText(path, "hello, this is plainly not an HNSW manifest but it is long enough to be read as one");

        var e = Assert.Throws<InvalidDataException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.Cosine));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_with_another_dimension_names_both()
    {
        string path = SavedIndex();

        var e = Assert.Throws<ArgumentException>(() => HnswShardIndex.Open(path, 48, IndexMetric.Cosine));

        Assert.Contains($"dimension {Dim}", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 48", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_with_another_metric_names_both()
    {
        string path = SavedIndex();

        var e = Assert.Throws<ArgumentException>(() => HnswShardIndex.Open(path, Dim, IndexMetric.L2));

        Assert.Contains("Cosine", e.Message, StringComparison.Ordinal);
        Assert.Contains("L2", e.Message, StringComparison.Ordinal);
    }
}
