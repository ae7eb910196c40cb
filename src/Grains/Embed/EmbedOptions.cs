using System.ComponentModel.DataAnnotations;

namespace Pipeline.Grains.Embed;

/// <summary>Settings of the embed job kind. Section "Pipeline:Embed".</summary>
public sealed class EmbedOptions
{
    public const string Section = "Pipeline:Embed";

    /// <summary>File name endings listed as corpus images, in folders and in tars (others are ignored).</summary>
    [MinLength(1)]
    public string[] ImageExtensions { get; set; } = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];
}
