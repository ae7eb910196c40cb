using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Workers;
using Pipeline.Models.Embedding;
using TorchSharp;

namespace Pipeline.Grains.Embed;

/// <summary>
/// Keeps the model of the last job a worker ran loaded, so consecutive shards of one job load it once. A different
/// model replaces it (one model in memory per worker).
/// </summary>
public sealed class EmbedderCache(ModelFetcher fetcher, IOptions<WorkerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Key, ImageEmbedder Embedder)? current;

    /// <summary>The embedder of <paramref name="spec"/> on <paramref name="device"/> (<c>cpu</c> or <c>cuda:N</c>), loading it if needed.</summary>
    public async Task<ImageEmbedder> GetAsync(EmbedJobSpec spec, string device, CancellationToken cancellationToken)
    {
        var key = string.Join('\n', spec.Model, spec.Weights, spec.Pooling, spec.PatchTokens, device, spec.ComputeDType, spec.PosEmbedResampling);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is { } loaded && loaded.Key == key) return loaded.Embedder;
            current?.Embedder.Dispose();
            current = null;
            int threads = options.Value.TorchThreads > 0 ? options.Value.TorchThreads : Environment.ProcessorCount;
            torch.set_num_threads(threads);
            var resolved = await EmbedModels.ResolveAsync(fetcher, spec, cancellationToken);
            var embedder = ImageEmbedder.Load(resolved, EmbedModels.RandomSeed, spec.Pooling, spec.PatchTokens, device, spec.ComputeDType, spec.PosEmbedResampling);
            current = (key, embedder);
            return embedder;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => current?.Embedder.Dispose();
}
