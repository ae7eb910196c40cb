using System.Text.Json.Nodes;
using Pipeline.Contracts.Jobs;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Models.Preprocessing;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>
/// A timm Hub DINOv2 folder with dynamic_img_size and a non-square input_size (70x84) through a real job: one size for
/// every image, so the fixed-size path runs; patch tokens come out on the 5x6 grid in the single patch_emb file.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class NonSquareTimmJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private readonly ModelFolderBuilder folders = new();

    public void Dispose() => folders.Dispose();

    [Fact]
    public async Task ANonSquareTimmInputSizeEmbedsEveryImageOnItsGrid()
    {
        var model = folders.TimmFolder("dinov2_tiny", new JsonObject
        {
            ["input_size"] = new JsonArray(3, 70, 84), ["interpolation"] = "bicubic", ["crop_pct"] = 0.875, ["crop_mode"] = "center",
            ["mean"] = new JsonArray(0.485, 0.456, 0.406), ["std"] = new JsonArray(0.229, 0.224, 0.225),
        });
        var config = Path.Combine(model, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        json["model_args"]!["dynamic_img_size"] = true;
        File.WriteAllText(config, json.ToJsonString());
        var corpus = new Dictionary<string, byte[]>
        {
            ["1.png"] = TestImages.Encode(200, 120, SKColors.Teal),
            ["2.png"] = TestImages.Encode(90, 160, SKColors.Maroon),
        };
        await JobTestHelpers.UploadAsync(fixture.Stores, "az://corpus/nonsquare", corpus);
        var spec = new EmbedJobSpec
        {
            Input = "az://corpus/nonsquare", Model = model, Output = "az://outputs/nonsquare", BatchSize = 2,
            PatchTokens = true, OutputDType = OutputDType.Float32,
        };
        var job = fixture.Grains.GetGrain<IJobGrain>("nonsquare");
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await JobTestHelpers.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Succeeded, $"expected Succeeded, got {status}");

        var output = fixture.Stores.Open(StorageLocation.Parse(spec.Output));
        var (embeddings, shape, _) = NpyReader.Read(await output.OpenReadAsync(OutputLayout.Embeddings(0)));
        var (patches, patchShape, _) = NpyReader.Read(await output.OpenReadAsync(OutputLayout.PatchEmbeddings(0)));
        Assert.Equal([2, 48], shape);
        Assert.Equal([2, 30, 48], patchShape);
        using var embedder = ImageEmbedder.Load(ModelResolver.Resolve(model, null), 0, patchTokens: true);
        for (var i = 0; i < 2; i++)
        {
            var pixels = new float[embedder.PixelsPerImage];
            embedder.PreprocessImage(ImageDecoder.Decode(corpus[$"{i + 1}.png"], new ImageDecoderOptions()), pixels);
            var alone = embedder.Embed(pixels, 1);
            var diff = alone.Embeddings.Zip(embeddings.Skip(i * 48).Take(48), (a, b) => Math.Abs(a - b)).Max();
            var patchDiff = alone.PatchTokens!.Zip(patches.Skip(i * 30 * 48).Take(30 * 48), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(diff <= 1e-5 && patchDiff <= 1e-5, $"row {i}: expected the image embedded alone within 1e-5, seen {diff:G3} (CLS), {patchDiff:G3} (patches)");
        }
    }
}
