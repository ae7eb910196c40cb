namespace Pipeline.Models.Tests.Checkpoints;

/// <summary>Paths of the fixture files copied into the test output and of scratch files the tests write.</summary>
internal static class CheckpointFixtures
{
    public static string Model(string modelCase, string file) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "vision", "models", modelCase, file);

    /// <summary>A fresh empty folder under the temp directory; delete it with <see cref="Directory.Delete(string, bool)"/>.</summary>
    public static string NewScratchFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-checkpoints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
