using System.Text.Json.Nodes;
using Pipeline.Client.Commands;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Tests.Commands;

public sealed class JobStatusDocumentTests
{
    private static JsonNode Json(JobStatus status)
    {
        using var writer = new StringWriter();
        CliJson.Write(writer, status);
        return JsonNode.Parse(writer.ToString())!;
    }

    [Fact]
    public void KeysAreSnakeCaseAndTheStateIsItsName()
    {
        var json = Json(new JobStatus { JobId = "j", State = JobState.CompletedWithErrors, TotalTasks = 3, DoneItems = 7, FailedItems = 1 });
        Assert.Equal("CompletedWithErrors", (string?)json["state"]);
        Assert.Equal(3, (int?)json["total_tasks"]);
        Assert.Equal(7, (long?)json["done_items"]);
        Assert.Equal(2, (int?)json["exit_code"]);
        Assert.True(json.AsObject().ContainsKey("eta_seconds"), "every key is written, null ones too");
    }

    [Fact]
    public void ARunningJobHasNoExitCodeYetAndAnEta()
    {
        var json = Json(new JobStatus { JobId = "j", State = JobState.Running, PlanningDone = true, TotalItems = 100, DoneItems = 40, ItemsPerSecond = 20 });
        Assert.Null(json["exit_code"]);
        Assert.Equal(3.0, (double?)json["eta_seconds"]);
    }
}
