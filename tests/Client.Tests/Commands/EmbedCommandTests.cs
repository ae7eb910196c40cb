using System.Text.Json.Nodes;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Client.Tests.Commands;

/// <summary>The CLI as a user runs it: embedded mode over local folders, exit codes, progress, --json, refusals.</summary>
public sealed class EmbedCommandTests : IDisposable
{
    private const string Model = "convnext_tiny.fb_in22k_ft_in1k";
    private readonly string root = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}");

    public EmbedCommandTests() => Directory.CreateDirectory(Path.Combine(root, "corpus"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Corpus => Path.Combine(root, "corpus");

    private void WriteImage(string name, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap)) canvas.Clear(new SKColor((byte)width, (byte)height, 90));
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(Corpus, name), data.ToArray());
    }

    private Task<CliRunner.CliResult> EmbedAsync(params string[] extra) =>
        CliRunner.RunAsync(["embed", "--input", Corpus, "--model", Model, "--weights", "random", .. extra]);

    [Fact]
    public async Task AJobWithACorruptFileExitsTwoWithPlainProgressAndReadsBackFromTheOutput()
    {
        WriteImage("a.png", 40, 30);
        WriteImage("b.png", 30, 50);
        File.WriteAllBytes(Path.Combine(Corpus, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var output = Path.Combine(root, "out");
        string[] job = ["--output", output, "--job-id", "cli-job", "--batch-size", "2", "--output-dtype", "Float32"];

        var run = await EmbedAsync(job);

        Assert.True(run.ExitCode == 2, $"expected exit 2 (completed with errors), got {run}");
        Assert.Contains("CompletedWithErrors", run.Output);
        // Redirected output gets plain progress lines, never a redrawn bar.
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.Contains(run.Output.Split('\n'), line => line.StartsWith("[cli-job] ", StringComparison.Ordinal) && line.Contains("tasks "));
        var (data, shape, _) = NpyReader.Read(File.OpenRead(Path.Combine(output, OutputLayout.Embeddings(0))));
        Assert.Equal([2, 768], shape);
        Assert.Equal(2 * 768, data.Length);

        var status = await CliRunner.RunAsync("status", "cli-job", "--output", output);
        Assert.True(status.ExitCode == 2, $"expected status to exit 2, got {status}");
        Assert.Contains("2 embedded, 1 failed", status.Output);

        var json = await CliRunner.RunAsync("status", "cli-job", "--output", output, "--json");
        Assert.True(json.ExitCode == 2, $"expected status --json to exit 2, got {json}");
        var document = JsonNode.Parse(json.Output)!;
        Assert.Equal("CompletedWithErrors", (string?)document["state"]);
        Assert.Equal(2, (long?)document["done_items"]);
        Assert.Equal(1, (long?)document["failed_items"]);
        Assert.Equal(1, (int?)document["completed_tasks"]);
        Assert.True((bool?)document["planning_done"], $"expected planning_done true, got {json.Output}");

        // A new process knows nothing of the job: resubmitting the id adopts the finished output and rewrites nothing.
        // With --json, stdout is the final status alone and progress goes to stderr.
        var before = Directory.GetFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var again = await EmbedAsync([.. job, "--json"]);
        Assert.True(again.ExitCode == 2, $"expected the resubmit to exit 2 as the first run did, got {again}");
        var resubmitted = JsonNode.Parse(again.Output)!;
        Assert.Equal("cli-job", (string?)resubmitted["job_id"]);
        Assert.Equal(2, (int?)resubmitted["exit_code"]);
        Assert.Contains("[cli-job] ", again.Error);
        var after = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        Assert.Equal(before.Keys.Order(), after.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.SequenceEqual(File.ReadAllBytes(file)), $"{file} changed on resubmit");
    }

    [Theory]
    [InlineData("--batch-size", "0", "--batch-size 0 is out of range")]
    [InlineData("--shard-size", "0", "--shard-size 0 is out of range")]
    [InlineData("--shard-size", "2000000", "--shard-size 2000000 is out of range")]
    [InlineData("--priority", "5000", "--priority 5000 is out of range")]
    [InlineData("--job-id", "no spaces please", "--job-id 'no spaces please' is not valid")]
    [InlineData("--dtype", "float16", "--dtype float16 needs --device cuda")]
    public async Task ABadSpecIsRefusedWithWhatToFixAndExitsOne(string option, string value, string expected)
    {
        var run = await EmbedAsync("--output", Path.Combine(root, "out"), option, value);
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("Unhandled exception", run.Error);
    }

    [Fact]
    public async Task AnOutputInsideTheInputIsRefusedNamingOutput()
    {
        var run = await EmbedAsync("--output", Path.Combine(Corpus, "out"));
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("--output", run.Error);
        Assert.Contains("inside", run.Error);
        Assert.False(Directory.Exists(Path.Combine(Corpus, "out")), "a refused job must not create its output");
    }

    [Fact]
    public async Task AnEmptyInputIsRefusedAtSubmit()
    {
        var run = await EmbedAsync("--output", Path.Combine(root, "out"));
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("holds no images", run.Error);
    }

    [Fact]
    public async Task NoWaitIsRefusedInEmbeddedMode()
    {
        WriteImage("a.png", 40, 30);
        var run = await EmbedAsync("--output", Path.Combine(root, "out"), "--no-wait");
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("--no-wait needs a cluster", run.Error);
    }
}
