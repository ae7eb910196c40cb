using System.Text.Json;

namespace Pipeline.Client.Tests.Schedules;

/// <summary>
/// <c>pipeline schedule</c> as a user runs it: the job after <c>--</c> is parsed by its own command (its errors refused
/// before anything starts), and against a running silo what <c>add</c> stores, <c>list --json</c> shows and
/// <c>remove</c> forgets.
/// </summary>
public sealed class ScheduleCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cli-schedule-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("embed --input /data/photos", "refused: embed:", "--model")]
    [InlineData("embed --input /data/photos --model m --output /out --batch-size lots", "refused: embed:", "lots")]
    [InlineData("frobnicate --input x", "'frobnicate' is not a job command a schedule can run", "embed, index")]
    [InlineData("embed --input /data --model m --output /out --job-id fixed", "--job-id has no place in a scheduled job", "<name>-<tick>")]
    [InlineData("", "give the job to schedule after '--'", "embed")]
    public async Task AMalformedJobCommandIsRefusedWithItsParsersMessage(string job, string expected, string detail)
    {
        string[] args = ["schedule", "add", "--name", "nightly", "--cron", "0 2 * * *", "--", .. job.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

        var run = await CliRunner.RunAsync(args);

        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains(expected, run.Error);
        Assert.Contains(detail, run.Error);
        Assert.Equal("", run.Output.Trim());
    }

    [Fact]
    public async Task AddedScheduleIsListedAsJsonAndRemoved()
    {
        await using var silo = await LocalSilo.StartAsync();
        var input = Path.Combine(root, "corpus");
        var output = Path.Combine(root, "out", "{schedule}-{date}");

        var add = await CliRunner.RunAsync(silo.Environment, "schedule", "add", "--name", "nightly", "--cron", "0 2 * * *", "--time-zone", "Europe/Berlin",
            "--", "embed", "--input", input, "--model", "convnext_tiny.fb_in22k_ft_in1k", "--weights", "random", "--output", output, "--batch-size", "8");
        Assert.True(add.ExitCode == 0, $"expected the add to succeed, got {add}");
        Assert.Contains("schedule nightly: embed job at '0 2 * * *' (Europe/Berlin)", add.Output);

        var list = await CliRunner.RunAsync(silo.Environment, "schedule", "list", "--json");
        Assert.True(list.ExitCode == 0, $"expected the list to succeed, got {list}");
        using var document = JsonDocument.Parse(list.Output);
        var schedule = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("nightly", schedule.GetProperty("name").GetString());
        Assert.Equal("0 2 * * *", schedule.GetProperty("cron").GetString());
        Assert.Equal("Europe/Berlin", schedule.GetProperty("time_zone").GetString());
        Assert.Equal("embed", schedule.GetProperty("kind").GetString());
        Assert.Equal(output, schedule.GetProperty("output").GetString());
        var next = schedule.GetProperty("next_tick").GetDateTimeOffset();
        Assert.True(next > DateTimeOffset.UtcNow && next.Hour == 2 && next.Minute == 0, $"expected the next 02:00 in Berlin, got {next:O}");
        Assert.Equal(0, schedule.GetProperty("missed_ticks").GetInt64());
        Assert.Equal(JsonValueKind.Null, schedule.GetProperty("last_job_id").ValueKind);

        var badCron = await CliRunner.RunAsync(silo.Environment, "schedule", "add", "--name", "broken", "--cron", "0 2 * *",
            "--", "embed", "--input", input, "--model", "m", "--output", output);
        Assert.True(badCron.ExitCode == 1, $"expected a bad cron refused, got {badCron}");
        Assert.Contains("refused: --cron '0 2 * *' has 4 fields", badCron.Error);

        var remove = await CliRunner.RunAsync(silo.Environment, "schedule", "remove", "--name", "nightly");
        Assert.True(remove.ExitCode == 0, $"expected the remove to succeed, got {remove}");
        var empty = await CliRunner.RunAsync(silo.Environment, "schedule", "list", "--json");
        Assert.Equal("[]", empty.Output.Trim());
        var again = await CliRunner.RunAsync(silo.Environment, "schedule", "remove", "--name", "nightly");
        Assert.True(again.ExitCode == 1 && again.Error.Contains("there is no schedule 'nightly'"), $"expected a second remove refused, got {again}");
    }
}
