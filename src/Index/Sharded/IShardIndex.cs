using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>
/// One loaded index shard, whatever its kind: rows 0..Rows-1 are the rows of its <c>rows.parquet</c>. Search is safe to
/// call from many threads at once; scores follow <see cref="IndexMetric"/> (similarities descending, squared L2 ascending).
/// </summary>
public interface IShardIndex : IDisposable
{
    int Rows { get; }

    int Dimension { get; }

    KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k);
}
