using System.Text.Json.Serialization;

namespace Pipeline.Grains.Embed;

/// <summary>
/// A metadata row of a job whose images enter the model at their own size and that writes patch tokens: the columns of
/// <see cref="Storage.EmbeddingMetadataRow"/> (a reader of those still reads the file) plus where the row's patch
/// tokens are: row <see cref="PatchRow"/> of <see cref="PatchFile"/>, a [rows, grid_h * grid_w, dim] array.
/// </summary>
public sealed class PatchIndexedMetadataRow
{
    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    [JsonPropertyName("shard")]
    public int Shard { get; set; }

    [JsonPropertyName("row")]
    public int Row { get; set; }

    [JsonPropertyName("width")]
    public int Width { get; set; }

    [JsonPropertyName("height")]
    public int Height { get; set; }

    /// <summary>The patch grid's rows (the model input's height / patch).</summary>
    [JsonPropertyName("grid_h")]
    public int GridHeight { get; set; }

    /// <summary>The patch grid's columns.</summary>
    [JsonPropertyName("grid_w")]
    public int GridWidth { get; set; }

    /// <summary>The output-relative key of the npy holding this row's patch tokens.</summary>
    [JsonPropertyName("patch_file")]
    public string PatchFile { get; set; } = "";

    /// <summary>This row's index in <see cref="PatchFile"/>.</summary>
    [JsonPropertyName("patch_row")]
    public int PatchRow { get; set; }
}
