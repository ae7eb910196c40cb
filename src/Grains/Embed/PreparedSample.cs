namespace Pipeline.Grains.Embed;

/// <summary>
/// One corpus image after download, decode and preprocess: pixels ready for the model (rented from the array pool;
/// the consumer returns them), or the stage and reason it failed. <see cref="ImagePath"/> is what the metadata shows;
/// <see cref="Width"/> and <see cref="Height"/> are the decoded image's, <see cref="InputHeight"/> x <see cref="InputWidth"/>
/// the model input the pixels hold (CHW).
/// </summary>
public sealed record PreparedSample(string ImagePath, float[]? Pixels, int Width, int Height, string? FailedStage = null, string? Error = null)
{
    /// <summary>Height of the model input in <see cref="Pixels"/>.</summary>
    public int InputHeight { get; init; }

    /// <summary>Width of the model input in <see cref="Pixels"/>.</summary>
    public int InputWidth { get; init; }

    public static PreparedSample Failed(string imagePath, string stage, string error) => new(imagePath, null, 0, 0, stage, error);
}
