using Pipeline.Index.Exact;

namespace Pipeline.Index.Hnsw;

public sealed partial class HnswShardIndex
{
    /// <summary>Queries one work item searches on one sub-graph before giving its instance back.</summary>
    private const int QueriesPerItem = 32;

    /// <summary>
    /// The <paramref name="k"/> best rows for each query of <paramref name="queries"/>, row-major
    /// [q, <paramref name="dimension"/>], searched on all cores. Safe to call from many threads at once.
    /// </summary>
    /// <param name="expansionSearch">efSearch for this call; <see cref="HnswParameters.ExpansionSearch"/> when null. Raised to k when smaller.</param>
    /// <exception cref="ArgumentException">The query dimension differs from the index's, or a query holds NaN or infinity.</exception>
    public KnnResult Search(ReadOnlySpan<float> queries, int dimension, int k, int? expansionSearch = null)
    {
        if (dimension != Dimension)
            throw new ArgumentException($"query dimension {dimension} does not match the index dimension {Dimension}.", nameof(dimension));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (expansionSearch is { } requested)
            ArgumentOutOfRangeException.ThrowIfLessThan(requested, 1, nameof(expansionSearch));
        if (queries.Length % dimension != 0)
            throw new ArgumentException($"{queries.Length} query values are not whole rows of dimension {dimension}.", nameof(queries));
        for (int i = 0; i < queries.Length; i++)
        {
            if (!float.IsFinite(queries[i]))
                throw new ArgumentException($"query {i / dimension} holds {queries[i]}.", nameof(queries));
        }

        int count = queries.Length / dimension;
        int kOut = Math.Min(k, Rows);
        int expansion = Math.Max(expansionSearch ?? Parameters.ExpansionSearch, kOut);
        float[] query = queries.ToArray();
        if (Metric == IndexMetric.Cosine)
        {
            for (int q = 0; q < count; q++)
                Normalise(query.AsSpan(q * dimension, dimension));
        }

        // Candidates per sub-graph, [part][query * kOut + rank]; found[part][query] of them are filled.
        int parts = _parts.Length;
        var candidateKeys = new long[parts][];
        var candidateScores = new float[parts][];
        var found = new int[parts][];
        for (int p = 0; p < parts; p++)
        {
            candidateKeys[p] = new long[checked(count * kOut)];
            candidateScores[p] = new float[count * kOut];
            found[p] = new int[count];
        }
        int chunks = (count + QueriesPerItem - 1) / QueriesPerItem;
        int items = chunks * parts;
        void SearchItem(int item)
        {
            int p = item % parts, first = item / parts * QueriesPerItem, last = Math.Min(count, first + QueriesPerItem);
            var pool = _parts[p];
            int kPart = (int)Math.Min(kOut, pool.Rows);
            var buffer = new float[dimension];
            var searcher = pool.Rent(expansion);
            try
            {
                for (int q = first; q < last; q++)
                {
                    query.AsSpan(q * dimension, dimension).CopyTo(buffer);
                    int n = searcher.Search(buffer, kPart, out ulong[] keys, out float[] distances);
                    for (int r = 0; r < n; r++)
                    {
                        candidateKeys[p][q * kOut + r] = (long)keys[r];
                        candidateScores[p][q * kOut + r] = ScoreOf(Metric, distances[r]);
                    }
                    found[p][q] = n;
                }
            }
            finally
            {
                pool.Return(searcher);
            }
        }
        if (items == 1)
            SearchItem(0);
        else
            Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, SearchItem);

        var indices = new long[checked(count * kOut)];
        var scores = new float[indices.Length];
        var merged = new (float Score, long Row)[parts * kOut];
        bool ascending = Metric == IndexMetric.L2;
        for (int q = 0; q < count; q++)
        {
            int n = 0;
            for (int p = 0; p < parts; p++)
            {
                for (int r = 0; r < found[p][q]; r++)
                    merged[n++] = (candidateScores[p][q * kOut + r], candidateKeys[p][q * kOut + r]);
            }
            // Best first, equal scores by row number: the same order ExactIndex gives.
            merged.AsSpan(0, n).Sort((a, b) =>
            {
                int byScore = ascending ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score);
                return byScore != 0 ? byScore : a.Row.CompareTo(b.Row);
            });
            for (int r = 0; r < kOut; r++)
            {
                indices[q * kOut + r] = r < n ? merged[r].Row : -1;
                scores[q * kOut + r] = r < n ? merged[r].Score : float.NaN;
            }
        }
        return new KnnResult(count, kOut, indices, scores);
    }
}
