using System.ComponentModel.DataAnnotations;

namespace Pipeline.Grains.Jobs;

/// <summary>Leasing and planning settings of job grains. Section "Pipeline:Jobs".</summary>
public sealed class JobOptions
{
    public const string Section = "Pipeline:Jobs";

    /// <summary>How long a shard lease lasts without a heartbeat; workers renew at a third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>File name endings listed as corpus images (others in the input are ignored).</summary>
    [MinLength(1)]
    public string[] ImageExtensions { get; set; } = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];
}
