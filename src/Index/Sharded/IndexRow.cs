using System.Text.Json.Serialization;

namespace Pipeline.Index.Sharded;

/// <summary>One row of <c>shards/shard_&lt;n&gt;.rows.parquet</c>: which image index row <c>i</c> is.</summary>
public sealed class IndexRow
{
    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    /// <summary>The embedding shard the row came from.</summary>
    [JsonPropertyName("embedding_shard")]
    public int EmbeddingShard { get; set; }

    /// <summary>The row in that embedding shard.</summary>
    [JsonPropertyName("embedding_row")]
    public int EmbeddingRow { get; set; }
}
