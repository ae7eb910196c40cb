using System.Text;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

[Collection(EmbedClusterCollection.Name)]
public sealed class SubmitValidationTests(EmbedClusterFixture fixture)
{
    private static EmbedJobSpec Spec(string input) => new()
    {
        Input = input, Model = "convnext_tiny.fb_in22k_ft_in1k", Weights = "random", Output = "az://outputs/refused",
    };

    private async Task<string> RefusedAsync(string jobId, EmbedJobSpec spec)
    {
        var result = await fixture.Grains.GetGrain<IJobGrain>(jobId).SubmitAsync(spec);
        Assert.False(result.Accepted, $"expected {spec} to be refused");
        Assert.NotNull(result.Error);
        return result.Error!;
    }

    [Fact]
    public async Task UnknownModelIsRefusedWithWhereToLook()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/refusals", new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(8, 8, SKColors.Red) });
        var error = await RefusedAsync("unknown-model", Spec("az://corpus/refusals") with { Model = "resnet9000" });
        Assert.Contains("resnet9000", error);
        Assert.Contains("pipeline models", error);
    }

    [Fact]
    public async Task MissingInputIsRefused()
    {
        var error = await RefusedAsync("missing-input", Spec("az://corpus/does-not-exist"));
        Assert.Contains("holds no images", error);
    }

    [Theory]
    [InlineData(0, 10, "--batch-size")]
    [InlineData(8, 0, "--shard-size")]
    public async Task BadSizesAreRefused(int batch, int shard, string option)
    {
        var error = await RefusedAsync($"bad-size-{batch}-{shard}", Spec("az://corpus/refusals") with { BatchSize = batch, ShardSize = shard });
        Assert.Contains(option, error);
    }

    [Fact]
    public async Task Float16OnCpuIsRefused()
    {
        var error = await RefusedAsync("fp16-cpu", Spec("az://corpus/refusals") with { ComputeDType = "float16" });
        Assert.Contains("bfloat16", error);
    }

    [Fact]
    public async Task CudaIsAcceptedOnlyWhereThereIsADevice()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/refusals", new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(8, 8, SKColors.Red) });
        var result = await fixture.Grains.GetGrain<IJobGrain>("cuda-check").SubmitAsync(
            Spec("az://corpus/refusals") with { ComputeDevice = "cuda", Output = "az://outputs/cuda-check" });
        if (TorchSharp.torch.cuda.is_available())
            Assert.True(result.Accepted, result.Error);
        else
            Assert.Contains("no such CUDA device", result.Error);
    }

    [Fact]
    public async Task BadJobIdIsRefused()
    {
        var error = await RefusedAsync("../escape", Spec("az://corpus/refusals"));
        Assert.Contains("--job-id", error);
    }

    [Fact]
    public async Task RegistryModelWithoutWeightsIsRefused()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/refusals", new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(8, 8, SKColors.Red) });
        var error = await RefusedAsync("no-weights", Spec("az://corpus/refusals") with { Weights = null });
        Assert.Contains("--weights", error);
    }

    [Fact]
    public async Task PoolingOnAConvNetIsRefused()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/refusals", new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(8, 8, SKColors.Red) });
        var error = await RefusedAsync("convnet-pooling", Spec("az://corpus/refusals") with { Pooling = "mean" });
        Assert.Contains("ViT", error);
    }

    /// <summary>A refused spec leaves its output as it was: nothing listed under it.</summary>
    private async Task AssertNothingWrittenAsync(string output)
    {
        var keys = await JobOutputReader.Open(fixture.Stores, output).KeysAsync();
        Assert.True(keys.Count == 0, $"expected nothing written to {output} by a refused submit, found: {string.Join(", ", keys)}");
    }

    private async Task<string> RefusedWithNothingWrittenAsync(string jobId, EmbedJobSpec spec, params string[] expected)
    {
        var error = await RefusedAsync(jobId, spec);
        foreach (var text in expected) Assert.True(error.Contains(text, StringComparison.Ordinal), $"expected the refusal to mention '{text}', got: {error}");
        await AssertNothingWrittenAsync(spec.Output);
        var status = await fixture.Grains.GetGrain<IJobGrain>(jobId).GetStatusAsync();
        Assert.True(status.State == JobState.Unknown, $"a refused job must stay unknown, got {status}");
        return error;
    }

    private async Task<string> CorpusAsync(string name)
    {
        var input = $"az://corpus/{name}";
        await JobTestHelpers.UploadAsync(fixture.Stores, input, new Dictionary<string, byte[]> { ["x.png"] = TestImages.Encode(8, 8, SKColors.Red) });
        return input;
    }

    [Fact]
    public async Task OutputInsideTheInputIsRefused()
    {
        var input = await CorpusAsync("refuse-inside");
        await RefusedWithNothingWrittenAsync("output-inside", Spec(input) with { Output = $"{input}/embeddings/" }, "--output", "inside", "choose an output outside");
        var same = await RefusedAsync("output-same", Spec(input) with { Output = "AZ://corpus/refuse-inside/" });
        Assert.True(same.Contains("inside", StringComparison.Ordinal), $"expected the refusal to say the output is the input, got: {same}");
        var keys = await JobOutputReader.Open(fixture.Stores, input).KeysAsync();
        Assert.True(keys.SequenceEqual(["x.png"]), $"expected the input to hold only x.png after the refusal, found: {string.Join(", ", keys)}");
    }

    [Fact]
    public async Task UnknownModelWritesNothing()
    {
        var input = await CorpusAsync("refuse-model");
        await RefusedWithNothingWrittenAsync("unknown-model-nothing", Spec(input) with { Model = "resnet9000", Output = "az://outputs/refused-model" }, "resnet9000", "pipeline models");
    }

    [Fact]
    public async Task MissingManifestIsRefused()
    {
        await RefusedWithNothingWrittenAsync("missing-manifest", Spec("az://corpus/refuse-manifests/nope.txt") with { Output = "az://outputs/refused-manifest" },
            "az://corpus/refuse-manifests/nope.txt", "does not exist");
        await RefusedWithNothingWrittenAsync("missing-parquet", Spec("az://corpus/refuse-manifests/nope.parquet") with { Output = "az://outputs/refused-parquet" },
            "does not exist");
    }

    [Fact]
    public async Task CsvWithoutAPathColumnIsRefusedNamingItsColumns()
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/refuse-csv", new Dictionary<string, byte[]>
        {
            ["list.csv"] = Encoding.UTF8.GetBytes("id,file,label\n1,x.png,cat\n"),
        });
        await RefusedWithNothingWrittenAsync("csv-no-path", Spec("az://corpus/refuse-csv/list.csv") with { Output = "az://outputs/refused-csv" },
            "'image_path'", "'path'", "'id', 'file', 'label'");
    }

    [Theory]
    [InlineData(1_000_000, 1000, 3, 0, "--batch-size 1000000")]
    [InlineData(32, 10_000_000, 3, 0, "--shard-size 10000000")]
    [InlineData(32, -1, 3, 0, "--shard-size -1")]
    [InlineData(32, 1000, 0, 0, "max task attempts 0")]
    [InlineData(32, 1000, 1000, 0, "max task attempts 1000")]
    [InlineData(32, 1000, 3, 1_000_000, "--priority 1000000")]
    public async Task AbsurdSizesAreRefusedWithTheRange(int batch, int shard, int attempts, int priority, string expected)
    {
        var input = await CorpusAsync("refuse-sizes");
        var error = await RefusedWithNothingWrittenAsync($"absurd-{batch}-{shard}-{attempts}-{priority}",
            Spec(input) with { BatchSize = batch, ShardSize = shard, MaxTaskAttempts = attempts, Priority = priority, Output = "az://outputs/refused-sizes" }, expected);
        Assert.True(error.Contains("use ", StringComparison.Ordinal), $"expected the refusal to give the allowed range, got: {error}");
    }

    [Theory]
    [InlineData("team/job-1")]
    [InlineData("job 1")]
    [InlineData("-leading-dash")]
    public async Task JobIdsOutsideTheSafeSetAreRefused(string jobId)
    {
        var input = await CorpusAsync("refuse-ids");
        await RefusedWithNothingWrittenAsync(jobId, Spec(input) with { Output = "az://outputs/refused-id" }, "--job-id", "letters, digits");
    }

    [Fact]
    public async Task ResubmittingWithAnotherPriorityTakesTheNewPriority()
    {
        var input = await CorpusAsync("reprioritise");
        var job = fixture.Grains.GetGrain<IJobGrain>("reprioritise");
        var spec = Spec(input) with { Output = "az://outputs/reprioritise", Priority = 0, ShardSize = 1 };
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        // The spec differs only in priority, so it is accepted as the same job: then it must run at the new priority.
        var again = await job.SubmitAsync(spec with { Priority = 7 });
        Assert.True(again.Accepted, again.Error);
        await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(3));
        var entry = (await fixture.Grains.GetGrain<IJobQueueGrain>("default").ListJobsAsync()).Single(j => j.JobId == "reprioritise");
        Assert.True(again.Status.Priority == 7 && entry.Priority == 7,
            $"resubmitting with --priority 7 was accepted, but the job kept priority {again.Status.Priority} (queue entry: {entry.Priority}); expected 7, or a refusal");
    }
}
