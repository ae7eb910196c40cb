using System.Text.Json.Nodes;
using Pipeline.Storage.Commit;

namespace Pipeline.Client.Tests.Commands;

/// <summary>
/// <c>pipeline status</c> in embedded mode reads a job from its output. The outputs here are written by hand, file by
/// file, as a job leaves them mid-way and at the end, so each rule of the reader is seen on its own.
/// </summary>
public sealed class StatusCommandTests : IDisposable
{
    private const string JobId = "made-by-hand";
    private readonly string output = Path.Combine(Path.GetTempPath(), $"cli-status-{Guid.NewGuid():N}");

    public StatusCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(output, "_shards"));
        Directory.CreateDirectory(Path.Combine(output, "_plan"));
        File.WriteAllBytes(Path.Combine(output, OutputLayout.JobFile), OutputJson.Serialize(new JobRecord
        {
            JobId = JobId, Kind = "embed", Input = "/corpus", Output = output, Model = "convnext_tiny.fb_in22k_ft_in1k",
            WeightsSha256 = "random", OutputDtype = "float16", CreatedAt = DateTimeOffset.UtcNow.AddSeconds(-10),
        }));
        Write("_shards/00000.done.json", $$"""{ "job_id": "{{JobId}}", "shard": 0, "attempt": "a1", "rows": 5, "failures": 1, "files": [], "committed_at": "{{DateTimeOffset.UtcNow.AddSeconds(-5):O}}" }""");
        Write("_shards/00001.failed.json", """{ "task": 1, "items": 4, "attempts": 3, "error": "worker lost" }""");
    }

    public void Dispose() => Directory.Delete(output, recursive: true);

    private void Write(string key, string json) => File.WriteAllText(Path.Combine(output, key), json);

    private Task<CliRunner.CliResult> StatusAsync(params string[] extra) => CliRunner.RunAsync(["status", JobId, "--output", output, .. extra]);

    [Fact]
    public async Task JsonCountsOnlyDoneMarkersAsCompletedAndTakesTotalsFromThePlan()
    {
        Write("_plan/_complete.json", """{ "tasks": 3, "items": 15 }""");

        var run = await StatusAsync("--json");

        Assert.True(run.ExitCode == 0, $"expected exit 0 for a job still running, got {run}");
        var s = JsonNode.Parse(run.Output)!;
        Assert.Equal(JobId, (string?)s["job_id"]);
        Assert.Equal("embed", (string?)s["kind"]);
        Assert.Equal("Running", (string?)s["state"]);
        Assert.Equal(false, (bool?)s["is_final"]);
        Assert.Equal(true, (bool?)s["planning_done"]);
        Assert.Equal(3, (int?)s["total_tasks"]);
        Assert.Equal(1, (int?)s["completed_tasks"]);
        Assert.Equal(1, (int?)s["failed_tasks"]);
        Assert.Equal(15, (long?)s["total_items"]);
        Assert.Equal(5, (long?)s["done_items"]);
        Assert.Equal(5, (long?)s["failed_items"]);
        Assert.True((double?)s["items_per_second"] > 0, $"expected a speed, got {run.Output}");
        Assert.True(s.AsObject().ContainsKey("eta_seconds"), $"expected an eta_seconds key, got {run.Output}");
    }

    [Fact]
    public async Task BeforeThePlanIsCompleteTheJobReadsAsPlanning()
    {
        var run = await StatusAsync("--json");

        var s = JsonNode.Parse(run.Output)!;
        Assert.Equal("Planning", (string?)s["state"]);
        Assert.Equal(false, (bool?)s["planning_done"]);
        Assert.Equal(2, (int?)s["total_tasks"]);

        var text = await StatusAsync();
        Assert.Contains("(planning)", text.Output);
    }

    [Fact]
    public async Task WatchOfAFinishedJobPrintsPlainLinesAndExitsWithTheJobsExitCode()
    {
        Write("_plan/_complete.json", """{ "tasks": 2, "items": 10 }""");
        Write("manifest.json", $$"""
            { "job_id": "{{JobId}}", "state": "CompletedWithErrors", "model": "m", "total_rows": 5, "total_failures": 5, "shards": [],
              "failed_shards": [ { "shard": 1, "images": 4, "error": "worker lost" } ], "finished_at": "{{DateTimeOffset.UtcNow:O}}" }
            """);

        var run = await StatusAsync("--watch");

        Assert.True(run.ExitCode == 2, $"expected exit 2 (completed with errors), got {run}");
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.Contains($"[{JobId}] CompletedWithErrors: tasks 1/2 done, 0 running, 1 failed", run.Output);
        Assert.Contains("5 embedded, 5 failed, 10 in all", run.Output);
    }

    [Fact]
    public async Task AnOutputOfAnotherJobIsUnknownAndExitsOne()
    {
        var run = await CliRunner.RunAsync("status", "another-job", "--output", output, "--json");

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        var s = JsonNode.Parse(run.Output)!;
        Assert.Equal("Unknown", (string?)s["state"]);
        Assert.Contains($"holds job {JobId}", (string?)s["error"]);
    }

    [Fact]
    public async Task ABadJobIdIsRefused()
    {
        var run = await CliRunner.RunAsync("status", "../etc", "--output", output);

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("'../etc' is not a job id", run.Error);
    }

    [Fact]
    public async Task WithoutAClusterStatusNeedsTheOutput()
    {
        var run = await CliRunner.RunAsync("status", JobId);

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("pass --output", run.Error);
    }
}
