namespace Pipeline.Index.Pages;

/// <summary>How a page names an <see cref="IndexMetric"/> and which way its scores point.</summary>
internal static class MetricText
{
    /// <summary>The metric in words: <c>cosine similarity</c>, <c>inner product</c>, <c>squared L2 distance</c>.</summary>
    public static string Name(IndexMetric metric) => metric switch
    {
        IndexMetric.Cosine => "cosine similarity",
        IndexMetric.InnerProduct => "inner product",
        IndexMetric.L2 => "squared L2 distance",
        _ => metric.ToString(),
    };

    /// <summary>True when a lower score means more alike (distances).</summary>
    public static bool LowerIsCloser(IndexMetric metric) => metric == IndexMetric.L2;

    /// <summary>A sentence fragment saying which way is better: <c>higher is more similar</c>.</summary>
    public static string Direction(IndexMetric metric) =>
        LowerIsCloser(metric) ? "lower is more similar" : "higher is more similar";
}
