using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Client.Tests;

/// <summary>The CLI as a user runs it: embedded mode over local folders, exit codes, refusals, status from the output.</summary>
public sealed class EmbedCommandTests : IDisposable
{
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

    [Fact]
    public async Task AJobWithACorruptFileExitsTwoAndStatusReadsItBackFromTheOutput()
    {
        WriteImage("a.png", 40, 30);
        WriteImage("b.png", 30, 50);
        File.WriteAllBytes(Path.Combine(Corpus, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var output = Path.Combine(root, "out");

        var run = await CliRunner.RunAsync("embed", "--input", Corpus, "--model", "convnext_tiny.fb_in22k_ft_in1k", "--weights", "random",
            "--output", output, "--job-id", "cli-job", "--batch-size", "2", "--output-dtype", "Float32");

        Assert.True(run.ExitCode == 2, $"expected exit 2 (completed with errors), got {run}");
        Assert.Contains("CompletedWithErrors", run.Output);
        var (data, shape, _) = NpyReader.Read(File.OpenRead(Path.Combine(output, OutputLayout.Embeddings(0))));
        Assert.Equal([2, 768], shape);
        Assert.Equal(2 * 768, data.Length);

        var status = await CliRunner.RunAsync("status", "cli-job", "--output", output);
        Assert.True(status.ExitCode == 2, $"expected status to exit 2, got {status}");
        Assert.Contains("2 embedded, 1 failed", status.Output);

        // A new process knows nothing of the job: resubmitting the id adopts the finished output and rewrites nothing.
        var before = Directory.GetFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var again = await CliRunner.RunAsync("embed", "--input", Corpus, "--model", "convnext_tiny.fb_in22k_ft_in1k", "--weights", "random",
            "--output", output, "--job-id", "cli-job", "--batch-size", "2", "--output-dtype", "Float32");
        Assert.True(again.ExitCode == 2, $"expected the resubmit to exit 2 as the first run did, got {again}");
        var after = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        Assert.Equal(before.Keys.Order(), after.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.SequenceEqual(File.ReadAllBytes(file)), $"{file} changed on resubmit");
    }

    [Fact]
    public async Task ABadSpecIsRefusedWithWhatToFixAndExitsOne()
    {
        var run = await CliRunner.RunAsync("embed", "--input", Corpus, "--model", "convnext_tiny.fb_in22k_ft_in1k", "--weights", "random",
            "--output", Path.Combine(root, "out"), "--batch-size", "0");
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("--batch-size 0 is out of range", run.Error);
    }

    [Fact]
    public async Task AnEmptyInputIsRefusedAtSubmit()
    {
        var run = await CliRunner.RunAsync("embed", "--input", Corpus, "--model", "convnext_tiny.fb_in22k_ft_in1k", "--weights", "random",
            "--output", Path.Combine(root, "out"));
        Assert.True(run.ExitCode == 1, $"expected exit 1, got {run}");
        Assert.Contains("holds no images", run.Error);
    }

    [Fact]
    public async Task ModelsListsTheRegistry()
    {
        var run = await CliRunner.RunAsync("models");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("convnext_tiny.fb_in22k_ft_in1k", run.Output);
        Assert.Contains("vit_base_patch14_dinov2.lvd142m", run.Output);
        Assert.Contains("facebook/dinov2-base", run.Output);
    }
}
