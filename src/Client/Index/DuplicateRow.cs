using System.Text.Json.Serialization;

namespace Pipeline.Client.Index;

/// <summary>One row of <c>dedup/duplicates.parquet</c>: an image in a near-duplicate cluster.</summary>
public sealed class DuplicateRow
{
    [JsonPropertyName("cluster_id")]
    public int ClusterId { get; set; }

    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    /// <summary>True for the one image of its cluster that a deduplicated corpus keeps (the first in listing order).</summary>
    [JsonPropertyName("keep")]
    public bool Keep { get; set; }

    /// <summary>The best score to another image (cosine/ip: similarity; l2: squared distance).</summary>
    [JsonPropertyName("nearest_score")]
    public float NearestScore { get; set; }
}
