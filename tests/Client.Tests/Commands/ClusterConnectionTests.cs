namespace Pipeline.Client.Tests.Commands;

/// <summary><c>jobs</c>, <c>cancel</c> and <c>retry</c> ask the cluster; in embedded mode there is none, and they say so.</summary>
public sealed class ClusterConnectionTests
{
    [Theory]
    [InlineData("jobs")]
    [InlineData("jobs --json")]
    [InlineData("cancel some-job")]
    [InlineData("retry some-job --watch")]
    public async Task WithoutAClusterTheCommandIsRefusedWithWhatToSet(string commandLine)
    {
        var args = commandLine.Split(' ');
        var run = await CliRunner.RunAsync(args);

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains($"'pipeline {args[0]}' needs a cluster", run.Error);
        Assert.Contains("Pipeline__Cluster__Mode", run.Error);
        Assert.Equal("", run.Output.Trim());
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("retry")]
    public async Task ABadJobIdIsRefusedBeforeAnythingStarts(string command)
    {
        var run = await CliRunner.RunAsync(command, "bad/id");

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("'bad/id' is not a job id", run.Error);
    }
}
