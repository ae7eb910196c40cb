using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Embed;
using Pipeline.Models.Preprocessing;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Index;

/// <summary>
/// Embeds a query image with the model and preprocessing of the embed job an index came from (its <c>job.json</c>),
/// so a query by image is compared with embeddings made the same way. One model stays loaded per silo.
/// </summary>
public sealed class QueryImageEmbedder(IServiceProvider services) : IDisposable
{
    private readonly EmbedderCache cache = ActivatorUtilities.CreateInstance<EmbedderCache>(services);

    public async Task<float[]> EmbedAsync(JobRecord embedJob, byte[] image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedJob);
        var spec = new EmbedJobSpec
        {
            Input = embedJob.Input,
            Output = embedJob.Output,
            Model = embedJob.ModelSource ?? embedJob.Model,
            Weights = embedJob.Weights,
            Pooling = embedJob.Pooling,
            PosEmbedResampling = embedJob.PosEmbedResampling,
            ComputeDType = "float32",
        };
        var embedder = await cache.GetAsync(spec, "cpu", cancellationToken);
        return await Task.Run(() =>
        {
            DecodedImage decoded;
            try
            {
                decoded = ImageDecoder.Decode(image);
            }
            catch (ImageDecodeException e)
            {
                throw new ArgumentException($"the query image cannot be decoded: {e.Message}", nameof(image), e);
            }
            // The model's own input size for this image: its crop, or (models that take images at their own size) its own.
            var (height, width) = embedder.InputSize(decoded);
            var pixels = new float[3 * height * width];
            embedder.PreprocessImage(decoded, pixels);
            return embedder.Embed(pixels, 1, height, width).Embeddings;
        }, cancellationToken);
    }

    public void Dispose() => cache.Dispose();
}
