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
}
