using System.Text.Json.Serialization;

namespace Pipeline.Storage;

/// <summary>
/// One row of a generation job's <c>metadata/metadata_&lt;shard&gt;.parquet</c>: one generated image, with everything needed
/// to make it again alone (prompt, seed, steps, guidance, scheduler, size, model, LoRA and its scale).
/// </summary>
public sealed class GenerationMetadataRow
{
    [JsonPropertyName("prompt")]
    public string Prompt { get; set; } = "";

    [JsonPropertyName("seed")]
    public long Seed { get; set; }

    [JsonPropertyName("steps")]
    public int Steps { get; set; }

    [JsonPropertyName("guidance")]
    public double Guidance { get; set; }

    [JsonPropertyName("scheduler")]
    public string Scheduler { get; set; } = "";

    /// <summary>The model folder as the job named it.</summary>
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    /// <summary>The LoRA file as the job named it; null without one.</summary>
    [JsonPropertyName("lora")]
    public string? Lora { get; set; }

    [JsonPropertyName("lora_scale")]
    public double? LoraScale { get; set; }

    /// <summary>The PNG, relative to the job's output: <c>images/&lt;shard&gt;/&lt;row&gt;.png</c>.</summary>
    [JsonPropertyName("image_path")]
    public string ImagePath { get; set; } = "";

    /// <summary>Seconds of generation per image: its batch's time divided by the images in it.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; set; }

    /// <summary>The prompt's number in the whole prompts file, from 0.</summary>
    [JsonPropertyName("prompt_index")]
    public long PromptIndex { get; set; }

    /// <summary>The image's number within its prompt, from 0.</summary>
    [JsonPropertyName("image_index")]
    public int ImageIndex { get; set; }

    [JsonPropertyName("width")]
    public int Width { get; set; }

    [JsonPropertyName("height")]
    public int Height { get; set; }

    /// <summary>The prompt had more than the text encoder's 75 tokens; the rest was cut.</summary>
    [JsonPropertyName("truncated")]
    public bool Truncated { get; set; }
}
