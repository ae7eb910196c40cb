using System.Text.Json.Serialization;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>A parquet row with no path column.</summary>
public sealed class CaptionRow
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("caption")]
    public string Caption { get; set; } = "";
}
