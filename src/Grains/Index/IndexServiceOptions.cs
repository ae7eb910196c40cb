namespace Pipeline.Grains.Index;

/// <summary>The query service's settings (<c>Pipeline:Index</c>).</summary>
public sealed class IndexServiceOptions
{
    public const string Section = "Pipeline:Index";

    /// <summary>
    /// Where shard files of indices on blob storage are downloaded before they are memory-mapped; empty = a folder under
    /// the system temp folder. Local indices are opened in place.
    /// </summary>
    public string CacheFolder { get; set; } = "";
}
