namespace Pipeline.Index.Pages;

/// <summary>What a query results page shows: a heading, the query, and its nearest neighbours in rank order.</summary>
/// <param name="Title">Heading of the page and its <c>&lt;title&gt;</c>.</param>
/// <param name="Summary">One line under the heading, such as the index name, k and the search time.</param>
/// <param name="Query">The query: an image, or a vector / row id with no image.</param>
/// <param name="Metric">How the scores were computed; the page names it ("cosine similarity", "squared L2 distance").</param>
/// <param name="Neighbours">The results, shown in the order given (best first).</param>
public sealed record QueryPage(
    string Title,
    string Summary,
    PageQuery Query,
    IndexMetric Metric,
    IReadOnlyList<PageNeighbour> Neighbours);
