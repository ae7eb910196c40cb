using System.Text.Json.Serialization;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>A parquet manifest row with a <c>path</c> column (and a caption that is not a path).</summary>
public sealed class PathManifestRow
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("caption")]
    public string Caption { get; set; } = "";
}
