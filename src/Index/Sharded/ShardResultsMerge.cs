using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>
/// The fan-out's merge: each shard's top k of every query into the index's top k. Order: best score first; equal
/// scores by shard, then row, lower first, so the order is the one a single index over all rows in shard order gives.
/// </summary>
public static class ShardResultsMerge
{
    /// <returns>Per query, up to <paramref name="k"/> hits, best first.</returns>
    public static IndexHit[][] Merge(IReadOnlyList<(int Shard, KnnResult Result)> shards, int queries, IndexMetric metric, int k)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        foreach (var (shard, result) in shards)
            if (result.Queries != queries)
                throw new ArgumentException($"shard {shard} answered {result.Queries} queries, {queries} were asked.", nameof(shards));
        var merged = new IndexHit[queries][];
        var candidates = new List<IndexHit>();
        var order = Comparer<IndexHit>.Create((a, b) => Compare(metric, a, b));
        for (int q = 0; q < queries; q++)
        {
            candidates.Clear();
            foreach (var (shard, result) in shards)
                for (int r = 0; r < result.K; r++)
                    if (result.Index(q, r) >= 0) // an approximate shard pads with row -1 when its graph found fewer than k
                        candidates.Add(new IndexHit(shard, checked((int)result.Index(q, r)), result.Score(q, r)));
            candidates.Sort(order);
            merged[q] = [.. candidates.Take(k)];
        }
        return merged;
    }

    private static int Compare(IndexMetric metric, IndexHit a, IndexHit b)
    {
        int byScore = metric == IndexMetric.L2 ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score);
        if (byScore != 0) return byScore;
        int byShard = a.Shard.CompareTo(b.Shard);
        return byShard != 0 ? byShard : a.Row.CompareTo(b.Row);
    }
}
