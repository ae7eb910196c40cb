using Pipeline.Client.Commands;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Tests.Commands;

public sealed class StatusTextTests
{
    private static readonly JobStatus Planning = new()
    {
        JobId = "j", Kind = "embed", State = JobState.Planning, TotalTasks = 4, CompletedTasks = 1, RunningTasks = 2,
        TotalItems = 400, DoneItems = 100, ItemsPerSecond = 20,
    };

    [Theory]
    [InlineData(0.2, "1s")]
    [InlineData(42, "42s")]
    [InlineData(185, "3m05s")]
    [InlineData(3720, "1h02m")]
    public void DurationsReadAsSecondsMinutesOrHours(double seconds, string expected) => Assert.Equal(expected, StatusText.Duration(seconds));

    [Fact]
    public void WhilePlanningTotalsCarryAPlusAndThereIsNoEta()
    {
        Assert.Equal("[j] Planning: tasks 1/4+ done, 2 running, 0 failed; images 100/400+ (0 failed), 20.0 images/s", StatusText.Progress(Planning));
        Assert.StartsWith("j planning...", StatusText.Caption(Planning));
    }

    [Fact]
    public void OncePlannedTheLineHasAnEta()
    {
        var running = Planning with { State = JobState.Running, PlanningDone = true };
        Assert.Equal("[j] Running: tasks 1/4 done, 2 running, 0 failed; images 100/400 (0 failed), 20.0 images/s, ETA 15s", StatusText.Progress(running));
    }

    [Fact]
    public void OtherKindsCountItems()
    {
        var index = Planning with { Kind = "index", PlanningDone = true, State = JobState.Running };
        Assert.Contains("items 100/400 (0 failed), 20.0 items/s", StatusText.Progress(index));
        Assert.Contains("100 done, 0 failed, 400 in all", StatusText.Summary(index));
    }
}
