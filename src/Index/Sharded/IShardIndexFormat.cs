namespace Pipeline.Index.Sharded;

/// <summary>
/// An index kind's shard file: how a shard is built from its rows and written, and how a written one is opened for
/// queries. A new index kind is a new implementation registered in <see cref="ShardIndexFormats"/>.
/// </summary>
public interface IShardIndexFormat
{
    /// <summary>The kind's name in <c>index.json</c> and on the command line (<c>exact</c>, <c>hnsw</c>).</summary>
    string Kind { get; }

    /// <summary>The shard file's extension, without the dot.</summary>
    string FileExtension { get; }

    /// <summary>
    /// Builds a shard over <paramref name="rows"/> (row-major, finite values only: the caller removed NaN rows) and
    /// writes its file to <paramref name="localPath"/>, and any further files beside it under names that begin with
    /// that file's name. The returned index answers queries (for the recall measurement).
    /// </summary>
    BuiltShard Build(float[] rows, int dimension, ShardBuildSettings settings, string localPath);

    /// <summary>Opens a shard written by <see cref="Build"/>: its files lie together, under the names they were written with.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt or does not match <paramref name="expected"/>; the message names the file.</exception>
    IShardIndex Open(string localPath, ShardShape expected);
}

/// <summary>What the index says a shard holds; opening checks the file against it.</summary>
public sealed record ShardShape(int Rows, int Dimension, IndexMetric Metric, Exact.IndexStorage Storage, IReadOnlyDictionary<string, long> Parameters);

/// <summary>
/// A shard just built: the index, the build parameters <c>index.json</c> records (connectivity, ...), and the local
/// files written, the main file first.
/// </summary>
public sealed record BuiltShard(IShardIndex Index, IReadOnlyDictionary<string, long> Parameters, IReadOnlyList<string> Files)
{
    /// <summary>
    /// Recall@10 the format measured while building, on rows its index did not hold yet (truly new queries); null
    /// when it measured none (the caller then measures the finished index).
    /// </summary>
    public double? Recall { get; init; }
}
