namespace Pipeline.Index;

/// <summary>How an index compares a query with a stored vector.</summary>
public enum IndexMetric
{
    /// <summary>Cosine similarity: rows and queries are L2-normalised, score = dot product, higher is better.</summary>
    Cosine,

    /// <summary>Inner product of the vectors as given, higher is better.</summary>
    InnerProduct,

    /// <summary>Squared Euclidean distance, lower is better. Scores are squared distances, never square-rooted.</summary>
    L2,
}
