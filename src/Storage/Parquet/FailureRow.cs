using System.Text.Json.Serialization;

namespace Pipeline.Storage;

/// <summary>
/// One row of <c>failures/failures_&lt;shard&gt;.parquet</c>: a sample that has no embedding row. File columns are
/// <c>image_path, stage, error</c>.
/// </summary>
public sealed class FailureRow
{
    /// <summary>The sample's path or URL as listed in the corpus.</summary>
    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    /// <summary>Where it failed: <c>read</c>, <c>decode</c> or <c>model</c>.</summary>
    [JsonPropertyName("stage")]
    public string Stage { get; set; } = "";

    /// <summary>Why it failed, in words.</summary>
    [JsonPropertyName("error")]
    public string Error { get; set; } = "";
}
