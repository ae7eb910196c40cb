namespace Pipeline.Storage.Azurite;

/// <summary>How <see cref="AzuriteServer.StartAsync(AzuriteServerOptions, CancellationToken)"/> starts Azurite.</summary>
public sealed class AzuriteServerOptions
{
    /// <summary>
    /// Path of <c>azurite.js</c>; when null, <c>PIPELINE_AZURITE_JS</c>, then
    /// <c>infra/azurite/node_modules/azurite/dist/src/azurite.js</c> above the app and current directories.
    /// </summary>
    public string? ScriptPath { get; set; }

    /// <summary>The node executable; when null, <c>PIPELINE_NODE</c>, then <c>node</c> on PATH.</summary>
    public string? NodePath { get; set; }

    /// <summary>Cap on Azurite's in-memory blob data in MB (its default is half the machine's memory).</summary>
    public int ExtentMemoryLimitMb { get; set; } = 2048;

    /// <summary>How long to wait for the blob endpoint to answer.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
