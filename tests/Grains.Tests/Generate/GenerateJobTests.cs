using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Tests.Jobs;
using Pipeline.Models.Tests.Diffusion;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Generate;

/// <summary>
/// Generation jobs on the in-process cluster with the tiny random model folder: every prompt gets its images with the
/// seeds the spec promises, reruns are byte-identical, bad prompts files and model folders are refused at submit.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class GenerateJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private static readonly string[] PromptLines = ["a cat", "the red car", "an owl at night", "sea of clouds", "ring"];

    private readonly string root = Directory.CreateTempSubdirectory("pipeline-generate-tests-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Model(bool guidanceEmbedding = true) =>
        TinyDiffusersFolder.Write(Path.Combine(root, guidanceEmbedding ? "lcm" : "sd"), guidanceEmbedding);

    private string Prompts(string name, string text)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private GenerateJobSpec Spec(string name, string model, string prompts) => new()
    {
        Prompts = prompts,
        Model = model,
        Output = $"az://generated/{name}",
        Size = 64,
        ImagesPerPrompt = 2,
        Seed = 100,
        BatchSize = 3,
        ShardSize = 2,
    };

    private async Task<JobStatus> RunAsync(string jobId, GenerateJobSpec spec)
    {
        var job = fixture.Grains.GetGrain<IJobGrain>(jobId);
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, $"expected the spec to be accepted, got: {submitted.Error}");
        return await JobTestHelpers.WaitForFinalAsync(job, JobTimeout);
    }

    [Fact]
    public async Task EveryPromptGetsItsImages_WithSeedsInJobOrder_AndRerunsAreByteIdentical()
    {
        var spec = Spec("first", Model(), Prompts("prompts.txt", string.Join("\n", PromptLines) + "\n\n"));
        var status = await RunAsync("generate-first", spec);

        Assert.Equal(JobState.Succeeded, status.State);
        Assert.Equal(3, status.TotalTasks);
        Assert.Equal(10, status.DoneItems);
        var first = await ReadOutputAsync(spec, status.TotalTasks);
        Assert.Equal(10, first.Count);
        for (int k = 0; k < first.Count; k++)
        {
            var (row, png) = first[k];
            Assert.Equal(PromptLines[k / 2], row.Prompt);
            Assert.Equal(100 + k, row.Seed);
            Assert.Equal((k / 2, k % 2), ((int)row.PromptIndex, row.ImageIndex));
            Assert.Equal((4, 8.0, "lcm", 64, 64), (row.Steps, row.Guidance, row.Scheduler, row.Width, row.Height));
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap is { Width: 64, Height: 64 }, $"image {row.ImagePath}: expected a 64x64 PNG");
        }
        Assert.True(first.Select(f => Convert.ToBase64String(f.Png)).Distinct().Count() == first.Count, "every seed should give a different image");

        var again = spec with { Output = "az://generated/again", BatchSize = 3 };
        var rerun = await RunAsync("generate-again", again);
        Assert.Equal(JobState.Succeeded, rerun.State);
        var second = await ReadOutputAsync(again, rerun.TotalTasks);
        for (int k = 0; k < first.Count; k++)
            Assert.True(first[k].Png.AsSpan().SequenceEqual(second[k].Png), $"image {k} differs between two runs of the same spec");
    }

    [Fact]
    public async Task LoraFreeSdModel_RunsClassifierFreeGuidance_FromJsonLines()
    {
        var spec = Spec("sd", Model(guidanceEmbedding: false), Prompts("prompts.jsonl", "{\"prompt\": \"a cat\"}\n{\"prompt\": \"ring\", \"extra\": 1}\n")) with
        {
            Guidance = 1.5,
            ImagesPerPrompt = 1,
        };
        var status = await RunAsync("generate-sd", spec);
        Assert.Equal(JobState.Succeeded, status.State);
        var images = await ReadOutputAsync(spec, status.TotalTasks);
        Assert.Equal(["a cat", "ring"], images.Select(i => i.Row.Prompt));
    }

    [Fact]
    public async Task MalformedPromptsOrModelFolder_AreRefusedAtSubmit_SayingWhatToFix()
    {
        var model = Model();
        await AssertRefusedAsync(Spec("bad-jsonl", model, Prompts("bad.jsonl", "{\"prompt\": \"ok\"}\nnot json\n")), "line 2");
        await AssertRefusedAsync(Spec("no-prompt-field", model, Prompts("field.jsonl", "{\"text\": \"ok\"}\n")), "\"prompt\"");
        await AssertRefusedAsync(Spec("empty", model, Prompts("empty.txt", "\n \n")), "holds no prompts");
        await AssertRefusedAsync(Spec("missing", model, Path.Combine(root, "absent.txt")), "cannot be read");
        await AssertRefusedAsync(Spec("too-many-steps", model, Prompts("ok.txt", "a cat")) with { Steps = 60 }, "--steps 60");

        var broken = TinyDiffusersFolder.Write(Path.Combine(root, "broken"));
        File.Delete(Path.Combine(broken, "unet", "config.json"));
        await AssertRefusedAsync(Spec("broken-model", broken, Prompts("ok2.txt", "a cat")), "unet/config.json");
        await AssertRefusedAsync(Spec("not-a-model", root, Prompts("ok3.txt", "a cat")), "model_index.json");
    }

    private async Task AssertRefusedAsync(GenerateJobSpec spec, string expected)
    {
        var submitted = await fixture.Grains.GetGrain<IJobGrain>("refused-" + Guid.NewGuid().ToString("N")[..8]).SubmitAsync(spec);
        Assert.False(submitted.Accepted, $"expected {spec.Prompts} / {spec.Model} to be refused");
        Assert.Contains(expected, submitted.Error ?? "");
    }

    private async Task<List<(GenerationMetadataRow Row, byte[] Png)>> ReadOutputAsync(GenerateJobSpec spec, int shards)
    {
        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        Assert.True(await output.ExistsAsync(OutputLayout.SuccessFile), "expected _SUCCESS");
        var images = new List<(GenerationMetadataRow, byte[])>();
        for (int shard = 0; shard < shards; shard++)
        {
            var rows = await ParquetFiles.ReadAsync<GenerationMetadataRow>(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.Metadata(shard))));
            for (int row = 0; row < rows.Count; row++)
            {
                Assert.Equal(OutputLayout.Image(shard, row), rows[row].ImagePath);
                images.Add((rows[row], await output.ReadAllBytesAsync(rows[row].ImagePath)));
            }
        }
        return images;
    }
}
