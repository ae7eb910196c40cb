namespace Pipeline.Client.Tests.Commands;

/// <summary>An environment that is not ready ends as its message and exit 1, never as an unhandled exception.</summary>
public sealed class CliErrorsTests
{
    private static readonly Dictionary<string, string?> NoAzurite = new()
    {
        ["PIPELINE_AZURITE_JS"] = "/nonexistent/azurite.js",
        ["Pipeline__Storage__ConnectionString"] = null,
        ["Pipeline__Storage__ServiceUri"] = null,
    };

    [Fact]
    public async Task AzuriteMissingForAnAzInputIsOneMessageWithoutAStackTrace()
    {
        var output = Path.Combine(Path.GetTempPath(), $"cli-err-{Guid.NewGuid():N}");
        var run = await CliRunner.RunAsync(NoAzurite, "embed", "--input", "az://corpus/images", "--model", "convnext_tiny.fb_in22k_ft_in1k",
            "--weights", "random", "--output", output);

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("error: ", run.Error);
        Assert.Contains("/nonexistent/azurite.js", run.Error);
        Assert.DoesNotContain("Unhandled exception", run.Error);
        Assert.DoesNotContain(run.Error.Split('\n'), line => line.StartsWith("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PipelineDebugAddsTheStackTrace()
    {
        var debug = new Dictionary<string, string?>(NoAzurite) { ["PIPELINE_DEBUG"] = "1" };
        var run = await CliRunner.RunAsync(debug, "status", "some-job", "--output", "az://outputs/some-job");

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("error: ", run.Error);
        Assert.Contains(run.Error.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
