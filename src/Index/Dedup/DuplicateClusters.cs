using Pipeline.Index.Exact;

namespace Pipeline.Index.Dedup;

/// <summary>
/// Near-duplicate clustering as in the DINOv2 paper's data curation: take each image's k nearest neighbours, join two
/// images when their similarity passes a threshold, and keep one image per connected component.
/// </summary>
/// <remarks>
/// <para>Edges are undirected: row i listing row j is enough to join them. Self-edges (a row among its own
/// neighbours, as an exact search of a corpus against itself returns) are ignored, as are padding slots (a negative
/// neighbour id or a NaN score). A neighbour id at or beyond the row count is an error.</para>
/// <para>The result depends only on the edge set, never on the order of the neighbour lists: components, their
/// numbering (by lowest row) and the kept row (the lowest) are deterministic.</para>
/// <para>k limits recall: a group of more than k + 1 identical images is still one component, since the k-NN
/// graph of a clique stays connected, but a duplicate that is not among the k nearest of any member is missed.</para>
/// </remarks>
public static class DuplicateClusters
{
    /// <summary>
    /// Clusters <paramref name="rows"/> rows whose neighbour lists are the queries of <paramref name="neighbours"/>:
    /// query i is row i, so <c>neighbours.Queries</c> must equal <paramref name="rows"/>.
    /// </summary>
    /// <param name="rows">Rows of the corpus; neighbour ids are row numbers in 0..rows-1.</param>
    /// <param name="neighbours">The k nearest rows of every row, e.g. from an exact search of the corpus against itself.</param>
    /// <param name="metric">The metric the scores were computed with (<see cref="KnnResult.Scores"/>).</param>
    /// <param name="threshold">
    /// Cosine / inner product: an edge when score &gt;= threshold. L2: an edge when the squared distance &lt;=
    /// threshold (the threshold is a squared distance too).
    /// </param>
    /// <exception cref="ArgumentException">Mismatched counts, a NaN threshold, or a neighbour id past the last row.</exception>
    public static DuplicateClustering Find(int rows, KnnResult neighbours, IndexMetric metric, float threshold)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        if (neighbours.Queries != rows)
        {
            throw new ArgumentException(
                $"the neighbour lists are for {neighbours.Queries} queries but there are {rows} rows: query i must be row i " +
                "(use the overload that takes queryRows when only some rows were searched).", nameof(neighbours));
        }
        return Find(rows, queryRows: null, neighbours, metric, threshold);
    }

    /// <summary>
    /// As <see cref="Find(int, KnnResult, IndexMetric, float)"/>, for a search in which query q is row
    /// <paramref name="queryRows"/>[q]: e.g. only the rows that an index did not skip. Rows that are never a query
    /// have no neighbour list of their own but still join any row that lists them.
    /// </summary>
    /// <param name="queryRows">The row of each query, one per query of <paramref name="neighbours"/>, each in 0..rows-1 and distinct.</param>
    /// <exception cref="ArgumentException">As the other overload; also a query row out of range or listed twice.</exception>
    public static DuplicateClustering Find(int rows, ReadOnlySpan<long> queryRows, KnnResult neighbours, IndexMetric metric, float threshold)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        if (queryRows.Length != neighbours.Queries)
        {
            throw new ArgumentException(
                $"{queryRows.Length} query rows are given for {neighbours.Queries} neighbour lists; give the row of each query.",
                nameof(queryRows));
        }
        var rowOf = queryRows.ToArray();
        var seen = new bool[Math.Max(rows, 0)];
        for (int q = 0; q < rowOf.Length; q++)
        {
            if (rowOf[q] < 0 || rowOf[q] >= rows)
                throw new ArgumentException($"query {q} is row {rowOf[q]}, outside 0..{rows - 1}.", nameof(queryRows));
            if (seen[rowOf[q]])
                throw new ArgumentException($"row {rowOf[q]} is the row of two queries; each row may be searched once.", nameof(queryRows));
            seen[rowOf[q]] = true;
        }
        return Find(rows, rowOf, neighbours, metric, threshold);
    }

    private static DuplicateClustering Find(int rows, long[]? queryRows, KnnResult neighbours, IndexMetric metric, float threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (float.IsNaN(threshold))
            throw new ArgumentException("the similarity threshold is NaN; give a number.", nameof(threshold));
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric.");
        long slots = (long)neighbours.Queries * neighbours.K;
        if (neighbours.Indices.Length != slots || neighbours.Scores.Length != slots)
        {
            throw new ArgumentException(
                $"the neighbour lists hold {neighbours.Indices.Length} ids and {neighbours.Scores.Length} scores, not " +
                $"{neighbours.Queries} x {neighbours.K} = {slots}.", nameof(neighbours));
        }

        bool lowerIsBetter = metric == IndexMetric.L2;
        var sets = new UnionFind(rows);
        var nearest = new float[rows];
        Array.Fill(nearest, float.NaN);
        for (int q = 0; q < neighbours.Queries; q++)
        {
            int row = queryRows is null ? q : (int)queryRows[q];
            for (int rank = 0; rank < neighbours.K; rank++)
            {
                long other = neighbours.Index(q, rank);
                float score = neighbours.Score(q, rank);
                if (other < 0 || float.IsNaN(score) || other == row)
                    continue;
                if (other >= rows)
                    throw new ArgumentException($"neighbour {rank} of row {row} is row {other}, past the last row ({rows - 1}).", nameof(neighbours));
                if (float.IsNaN(nearest[row]) || (lowerIsBetter ? score < nearest[row] : score > nearest[row]))
                    nearest[row] = score;
                if (lowerIsBetter ? score <= threshold : score >= threshold)
                    sets.Union(row, (int)other);
            }
        }
        return Label(sets, nearest, metric, threshold);
    }

    /// <summary>Numbers the components of two or more rows by lowest row and keeps that lowest row of each.</summary>
    private static DuplicateClustering Label(UnionFind sets, float[] nearest, IndexMetric metric, float threshold)
    {
        int rows = sets.Count;
        var clusterOfRoot = new Dictionary<int, int>();
        var clusterId = new int[rows];
        var keep = new bool[rows];
        int inClusters = 0;
        for (int r = 0; r < rows; r++)
        {
            int root = sets.Find(r);
            if (sets.SizeOf(root) < 2)
            {
                clusterId[r] = -1;
                keep[r] = true;
                continue;
            }
            inClusters++;
            if (clusterOfRoot.TryGetValue(root, out int id))
            {
                clusterId[r] = id;
                continue;
            }
            // Rows are visited in ascending order, so the first row met of a component is its lowest.
            clusterId[r] = clusterOfRoot[root] = clusterOfRoot.Count;
            keep[r] = true;
        }
        int clusters = clusterOfRoot.Count;
        return new DuplicateClustering(metric, threshold, clusterId, keep, nearest, clusters, inClusters, inClusters - clusters);
    }
}
