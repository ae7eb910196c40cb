using System.ComponentModel.DataAnnotations;

namespace Pipeline.Index.Pages;

/// <summary>Thumbnail size and quality, load parallelism and the cluster cap of <see cref="ResultPageWriter"/>.</summary>
public sealed class ResultPageOptions
{
    /// <summary>Shared default instance.</summary>
    public static ResultPageOptions Default { get; } = new();

    /// <summary>
    /// Thumbnails are scaled to fit a square of this many pixels, keeping their aspect ratio; smaller images are not
    /// enlarged. Default 192.
    /// </summary>
    [Range(16, 1024)]
    public int ThumbnailSize { get; init; } = 192;

    /// <summary>JPEG quality of the embedded thumbnails, 1-100. Default 85.</summary>
    [Range(1, 100)]
    public int JpegQuality { get; init; } = 85;

    /// <summary>
    /// Images read and decoded at once. Default 3: enough to overlap blob latency with decoding, few enough to leave
    /// cores to the rest of the process.
    /// </summary>
    [Range(1, 64)]
    public int MaxParallelism { get; init; } = 3;

    /// <summary>Clusters drawn on a duplicates page; the page says how many more there were. Default 200.</summary>
    [Range(1, int.MaxValue)]
    public int MaxClusters { get; init; } = 200;

    /// <summary>Images drawn on a contact sheet; the page says how many more there were. Default 1,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxImages { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is outside its documented range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ThumbnailSize, 16, nameof(ThumbnailSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ThumbnailSize, 1024, nameof(ThumbnailSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(JpegQuality, 1, nameof(JpegQuality));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(JpegQuality, 100, nameof(JpegQuality));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelism, 1, nameof(MaxParallelism));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxParallelism, 64, nameof(MaxParallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClusters, 1, nameof(MaxClusters));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImages, 1, nameof(MaxImages));
    }
}
