using Pipeline.Models.Tests.Diffusion;
using SkiaSharp;

namespace Pipeline.Client.Tests;

/// <summary>
/// <c>pipeline generate</c> as a user runs it (embedded silo, local folders): the images, the metadata read back by an
/// independent parquet reader, the contact sheet; and bad input refused with a message that says what to fix.
/// </summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("pipeline-generate-cli-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Generate_WritesImagesMetadataAndAContactSheet()
    {
        var model = TinyDiffusersFolder.Write(Path.Combine(root, "model"));
        var prompts = Path.Combine(root, "prompts.txt");
        await File.WriteAllLinesAsync(prompts, ["a cat", "the ring at dawn", "sea"]);
        var output = Path.Combine(root, "out");
        var html = Path.Combine(root, "sheet.html");

        var run = await CliRunner.RunAsync("generate", "--prompts", prompts, "--model", model, "--size", "64", "--images-per-prompt", "2",
            "--seed", "40", "--shard-size", "2", "--output", output, "--html", html);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("contact sheet:", run.Output);
        var rows = (await Hyparquet.RowsAsync(Path.Combine(output, "metadata", "metadata_00000.parquet")))
            .Concat(await Hyparquet.RowsAsync(Path.Combine(output, "metadata", "metadata_00001.parquet"))).ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal(Enumerable.Range(40, 6).Select(s => (long)s), rows.Select(r => r!["seed"]!.GetValue<long>()));
        Assert.Equal(["a cat", "a cat", "the ring at dawn", "the ring at dawn", "sea", "sea"], rows.Select(r => r!["prompt"]!.GetValue<string>()));
        foreach (var row in rows)
        {
            using var image = SKBitmap.Decode(Path.Combine(output, row!["image_path"]!.GetValue<string>()));
            Assert.True(image is { Width: 64, Height: 64 }, $"expected a 64x64 PNG at {row["image_path"]}");
        }
        var page = await File.ReadAllTextAsync(html);
        Assert.Equal(6, (page.Length - page.Replace("<img", "", StringComparison.Ordinal).Length) / 4);
        Assert.Contains("the ring at dawn", page);
    }

    [Fact]
    public async Task BadSpecsAreRefusedWithWhatToFix()
    {
        var model = TinyDiffusersFolder.Write(Path.Combine(root, "model"));
        var prompts = Path.Combine(root, "prompts.jsonl");
        await File.WriteAllTextAsync(prompts, "{\"prompt\": \"a cat\"}\n{\"prompt\": 3}\n");

        var local = await CliRunner.RunAsync("generate", "--prompts", prompts, "--model", model, "--size", "100", "--steps", "0", "--output", Path.Combine(root, "o1"));
        Assert.NotEqual(0, local.ExitCode);
        Assert.Contains("--size 100 is not valid", local.Error);
        Assert.Contains("--steps 0 is out of range", local.Error);

        var admitted = await CliRunner.RunAsync("generate", "--prompts", prompts, "--model", model, "--size", "64", "--output", Path.Combine(root, "o2"));
        Assert.NotEqual(0, admitted.ExitCode);
        Assert.Contains("line 2", admitted.Error);
        Assert.False(Directory.Exists(Path.Combine(root, "o2", "images")), "a refused job must write no images");
    }
}
