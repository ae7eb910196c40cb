using System.Text.Json.Serialization;

namespace Pipeline.Storage;

/// <summary>
/// One row of <c>metadata/metadata_&lt;shard&gt;.parquet</c>, aligned with row <see cref="Row"/> of the shard's
/// embeddings. File columns are <c>image_path, shard, row, width, height</c>, as clip-retrieval readers expect.
/// </summary>
public sealed class EmbeddingMetadataRow
{
    /// <summary>The image's path or URL as listed in the corpus.</summary>
    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    /// <summary>The shard number.</summary>
    [JsonPropertyName("shard")]
    public int Shard { get; set; }

    /// <summary>The row in the shard's embedding matrix.</summary>
    [JsonPropertyName("row")]
    public int Row { get; set; }

    /// <summary>Width of the decoded image in pixels (after EXIF rotation).</summary>
    [JsonPropertyName("width")]
    public int Width { get; set; }

    /// <summary>Height of the decoded image in pixels (after EXIF rotation).</summary>
    [JsonPropertyName("height")]
    public int Height { get; set; }
}
