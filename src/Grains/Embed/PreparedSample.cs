namespace Pipeline.Grains.Workers;

/// <summary>
/// One corpus image after download, decode and preprocess: pixels ready for the model (rented from the array pool;
/// the consumer returns them), or the stage and reason it failed.
/// </summary>
public sealed record PreparedSample(string Key, float[]? Pixels, int Width, int Height, string? FailedStage = null, string? Error = null)
{
    public static PreparedSample Failed(string key, string stage, string error) => new(key, null, 0, 0, stage, error);
}
