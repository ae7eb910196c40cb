using System.Text.Json.Serialization;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>A parquet manifest row with an <c>image_path</c> column.</summary>
public sealed class ManifestRow
{
    [JsonPropertyName("id")]
    public int Id { get; set; }

    [JsonPropertyName("image_path")]
    public string? ImagePath { get; set; }
}
