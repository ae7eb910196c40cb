using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Workers;
using Pipeline.Models.Diffusion.Pipelines;
using TorchSharp;

namespace Pipeline.Grains.Generate;

/// <summary>
/// Keeps the pipeline of the last generation job a worker ran loaded (with its LoRA fused), so consecutive shards load it
/// once. A different model, LoRA, scale, scheduler or device replaces it: one model in memory per worker.
/// </summary>
public sealed class GeneratorCache(GenerateModels models, IOptions<WorkerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Key, TextToImagePipeline Pipeline)? current;

    public async Task<TextToImagePipeline> GetAsync(GenerateJobSpec spec, string device, CancellationToken cancellationToken)
    {
        var key = string.Join('\n', spec.Model, spec.Lora, spec.LoraScale, spec.Scheduler, device, spec.ComputeDType);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is { } loaded && loaded.Key == key) return loaded.Pipeline;
            current?.Pipeline.Dispose();
            current = null;
            torch.set_num_threads(options.Value.TorchThreads > 0 ? options.Value.TorchThreads : Environment.ProcessorCount);
            var (model, lora) = await models.FetchAsync(spec, cancellationToken);
            var pipeline = TextToImagePipeline.Load(model, new TextToImageOptions(lora, spec.LoraScale, spec.Scheduler, device, spec.ComputeDType));
            current = (key, pipeline);
            return pipeline;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => current?.Pipeline.Dispose();
}
