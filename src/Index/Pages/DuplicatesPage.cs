namespace Pipeline.Index.Pages;

/// <summary>
/// What a duplicates page shows: a summary line (clusters, images removed, threshold) and each cluster with its
/// members, the kept one marked. Only the first <see cref="ResultPageOptions.MaxClusters"/> clusters are drawn; the
/// counts in the summary always cover all of <see cref="Clusters"/>.
/// </summary>
/// <param name="Title">Heading of the page and its <c>&lt;title&gt;</c>.</param>
/// <param name="Threshold">The score at which two images count as duplicates, in <paramref name="Metric"/>.</param>
/// <param name="Metric">How the scores were computed.</param>
/// <param name="Clusters">The clusters, shown in the order given.</param>
public sealed record DuplicatesPage(
    string Title,
    double Threshold,
    IndexMetric Metric,
    IReadOnlyList<PageCluster> Clusters)
{
    /// <summary>An optional extra line under the summary (corpus, run id, time taken).</summary>
    public string? Note { get; init; }

    /// <summary>Number of clusters, all of them, shown or not.</summary>
    public int ClusterCount => Clusters.Count;

    /// <summary>Members not kept, summed over all clusters: the images a dedup run removes.</summary>
    public int ImagesRemoved => Clusters.Sum(cluster => cluster.Members.Count(member => !member.Keep));
}
