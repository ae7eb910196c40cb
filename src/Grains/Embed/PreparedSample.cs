namespace Pipeline.Grains.Embed;

/// <summary>
/// One corpus image after download, decode and preprocess: pixels ready for the model (rented from the array pool;
/// the consumer returns them), or the stage and reason it failed. <see cref="ImagePath"/> is what the metadata shows.
/// </summary>
public sealed record PreparedSample(string ImagePath, float[]? Pixels, int Width, int Height, string? FailedStage = null, string? Error = null)
{
    public static PreparedSample Failed(string imagePath, string stage, string error) => new(imagePath, null, 0, 0, stage, error);
}
