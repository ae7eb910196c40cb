using System.Security.Cryptography;
using Pipeline.Contracts.Jobs;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>A model folder kept in blob storage (<c>az://</c>), ViT pooling and patch tokens, through a real job.</summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class BlobModelJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private readonly ModelFolderBuilder folders = new();

    public void Dispose() => folders.Dispose();

    [Fact]
    public async Task AViTFolderInBlobStorageWritesClsMeanEmbeddingsAndPatchTokens()
    {
        var local = folders.TimmFolder("dinov2_tiny", ModelFolderBuilder.TimmPretrainedCfg(56, 1.0));
        var files = Directory.GetFiles(local).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://models/dinov2-tiny", files);
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/vit", new Dictionary<string, byte[]>
        {
            ["1.png"] = TestImages.Encode(70, 56, SKColors.Orange),
            ["2.jpg"] = TestImages.Encode(56, 90, SKColors.Navy, SKEncodedImageFormat.Jpeg),
        });
        var spec = new EmbedJobSpec
        {
            Input = "az://corpus/vit", Model = "az://models/dinov2-tiny", Output = "az://outputs/vit-patches",
            Pooling = "cls+mean", PatchTokens = true, OutputDType = OutputDType.Float32,
        };
        var job = fixture.Grains.GetGrain<IJobGrain>("vit-patches");
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, submitted.Error);

        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));

        Assert.True(status.State == JobState.Succeeded, $"expected Succeeded, got {status}");
        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        var (_, embShape, _) = NpyReader.Read(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.Embeddings(0))));
        Assert.Equal([2, 2 * 48], embShape);
        var (_, patchShape, _) = NpyReader.Read(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.PatchEmbeddings(0))));
        Assert.Equal([2, 16, 48], patchShape);
        var record = OutputJson.Deserialize<JobRecord>(await output.ReadAllBytesAsync(OutputLayout.JobFile));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files["model.safetensors"])), record.WeightsSha256);
    }
}
