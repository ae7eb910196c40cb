using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

/// <summary>How much of the exact answer an approximate search found.</summary>
public static class Recall
{
    /// <summary>
    /// Mean over queries of the fraction of <paramref name="exact"/>'s top <paramref name="k"/> rows that appear in
    /// <paramref name="approximate"/>'s top <paramref name="k"/> (ranks beyond either result's K are not there; padding
    /// rows of -1 never count). 1 when the two agree on every query.
    /// </summary>
    /// <exception cref="ArgumentException">The results hold different numbers of queries.</exception>
    public static double AtK(KnnResult approximate, KnnResult exact, int k)
    {
        ArgumentNullException.ThrowIfNull(approximate);
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (approximate.Queries != exact.Queries)
            throw new ArgumentException($"approximate result has {approximate.Queries} queries, exact has {exact.Queries}.", nameof(approximate));
        if (exact.Queries == 0)
            return 1;
        int kExact = Math.Min(k, exact.K), kApprox = Math.Min(k, approximate.K);
        if (kExact == 0)
            return 1;
        var seen = new HashSet<long>();
        double sum = 0;
        for (int q = 0; q < exact.Queries; q++)
        {
            seen.Clear();
            for (int r = 0; r < kApprox; r++)
                seen.Add(approximate.Index(q, r));
            int hits = 0;
            for (int r = 0; r < kExact; r++)
            {
                long row = exact.Index(q, r);
                if (row >= 0 && seen.Contains(row)) hits++;
            }
            sum += (double)hits / kExact;
        }
        return sum / exact.Queries;
    }
}
