using System.Text.Json.Serialization;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>A parquet row whose <c>path</c> column is not a string.</summary>
public sealed class NumericPathRow
{
    [JsonPropertyName("path")]
    public long Path { get; set; }
}
