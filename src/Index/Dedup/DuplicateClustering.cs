using Pipeline.Index.Exact;

namespace Pipeline.Index.Dedup;

/// <summary>
/// Near-duplicate clusters of a corpus, per row: the connected components of size two or more of the graph whose
/// edges are the k-NN pairs at least as similar as the threshold. Produced by <see cref="DuplicateClusters.Find(int,
/// KnnResult, IndexMetric, float)"/>.
/// </summary>
/// <param name="Metric">The metric of the neighbour scores.</param>
/// <param name="Threshold">
/// The edge threshold: a similarity (edge when score &gt;= threshold) for cosine and inner product, a squared distance
/// (edge when score &lt;= threshold) for L2.
/// </param>
/// <param name="ClusterId">
/// Per row: the cluster it belongs to, numbered 0..<see cref="Clusters"/>-1 in the order of each cluster's lowest
/// row; -1 for a row in no cluster.
/// </param>
/// <param name="Keep">
/// Per row: whether the row survives deduplication. Exactly one row of each cluster is kept, its lowest row number
/// (first in listing order); rows in no cluster are kept.
/// </param>
/// <param name="NearestScore">
/// Per row: the best score to another row among the row's own neighbours (highest similarity, lowest squared L2
/// distance), whether or not it passes the threshold; NaN when the row has no neighbour other than itself.
/// </param>
/// <param name="Clusters">Number of clusters (components of two or more rows).</param>
/// <param name="ImagesInClusters">Rows that belong to some cluster.</param>
/// <param name="Removed">Rows not kept: <see cref="ImagesInClusters"/> - <see cref="Clusters"/>.</param>
public sealed record DuplicateClustering(
    IndexMetric Metric,
    float Threshold,
    int[] ClusterId,
    bool[] Keep,
    float[] NearestScore,
    int Clusters,
    int ImagesInClusters,
    int Removed)
{
    /// <summary>Rows of the corpus.</summary>
    public int Rows => ClusterId.Length;

    /// <summary>Rows that survive deduplication: <see cref="Rows"/> - <see cref="Removed"/>.</summary>
    public int Kept => Rows - Removed;

    /// <summary>The rows of each cluster, ascending, indexed by cluster id; the first row of each is the kept one.</summary>
    public int[][] Members()
    {
        var members = new List<int>[Clusters];
        for (int c = 0; c < Clusters; c++)
            members[c] = [];
        for (int r = 0; r < ClusterId.Length; r++)
        {
            if (ClusterId[r] >= 0)
                members[ClusterId[r]].Add(r);
        }
        return [.. members.Select(m => m.ToArray())];
    }
}
