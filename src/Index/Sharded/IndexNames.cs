using Pipeline.Index.Exact;

namespace Pipeline.Index.Sharded;

/// <summary>The spellings of metrics and storage types on the command line and in <c>index.json</c>.</summary>
public static class IndexNames
{
    public static IndexMetric ParseMetric(string name) => name switch
    {
        "cosine" => IndexMetric.Cosine,
        "ip" => IndexMetric.InnerProduct,
        "l2" => IndexMetric.L2,
        _ => throw new ArgumentException($"metric '{name}' is not known: use cosine, ip or l2.", nameof(name)),
    };

    public static string Name(IndexMetric metric) => metric switch
    {
        IndexMetric.Cosine => "cosine",
        IndexMetric.InnerProduct => "ip",
        _ => "l2",
    };

    /// <summary>What a score means, for people.</summary>
    public static string ScoreName(IndexMetric metric) => metric switch
    {
        IndexMetric.Cosine => "cosine similarity",
        IndexMetric.InnerProduct => "inner product",
        _ => "squared L2 distance",
    };

    public static IndexStorage ParseStorage(string name) => name switch
    {
        "float16" => IndexStorage.Float16,
        "float32" => IndexStorage.Float32,
        _ => throw new ArgumentException($"storage '{name}' is not known: use float16 or float32.", nameof(name)),
    };

    public static string Name(IndexStorage storage) => storage == IndexStorage.Float16 ? "float16" : "float32";

    /// <summary>True when <paramref name="a"/> ranks before <paramref name="b"/> under <paramref name="metric"/>.</summary>
    public static bool Better(IndexMetric metric, float a, float b) => metric == IndexMetric.L2 ? a < b : a > b;
}
