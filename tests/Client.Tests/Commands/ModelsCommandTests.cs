namespace Pipeline.Client.Tests.Commands;

public sealed class ModelsCommandTests
{
    [Fact]
    public async Task ModelsListsTheRegistryAndTheDefaultTagOfEachBareName()
    {
        var run = await CliRunner.RunAsync("models");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("convnext_tiny.fb_in22k_ft_in1k", run.Output);
        Assert.Contains("vit_base_patch14_dinov2.lvd142m", run.Output);
        Assert.Contains("facebook/dinov2-base", run.Output);
        var bare = run.Output.Split('\n').SingleOrDefault(line => line.StartsWith("convnext_tiny ", StringComparison.Ordinal));
        Assert.True(bare is not null, $"expected a line for the bare name convnext_tiny, got {run}");
        Assert.Matches(@"^convnext_tiny\s+convnext_tiny\.\w+", bare);
    }
}
