using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Embed;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Diffusion.Pipelines;
using Pipeline.Models.Diffusion.Schedulers;
using Pipeline.Models.Diffusion.UNet;
using Pipeline.Models.Diffusion.Vae;
using Pipeline.Storage;

namespace Pipeline.Grains.Generate;

/// <summary>
/// The checks a generation spec gets at submit that need its files: the model folder is a diffusers folder this stack
/// runs, the scheduler takes the step count, the size fits the VAE and UNet, and the LoRA is a safetensors file. Blob
/// folders are checked for <c>model_index.json</c> only (the worker downloads them once, into its model cache).
/// </summary>
public sealed class GenerateModels(ModelFetcher fetcher, IObjectStoreFactory stores)
{
    /// <summary>What to fix, or null when the model and LoRA are admitted.</summary>
    public async Task<string?> AdmitAsync(GenerateJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            if (ModelFetcher.IsRemote(spec.Model))
            {
                var store = stores.Open(StorageLocation.Parse(spec.Model));
                if (!await store.ExistsAsync("model_index.json", cancellationToken))
                    return $"--model {spec.Model} has no model_index.json: it is not a diffusers model folder.";
            }
            else
            {
                CheckLocalFolder(spec);
            }
            if (spec.Lora is { } lora && !ModelFetcher.IsRemote(lora))
            {
                if (!File.Exists(lora)) return $"--lora {lora} does not exist.";
                using var reader = SafeTensorsReader.Open(lora);
            }
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
        {
            return e.Message;
        }
    }

    /// <summary>The model folder and LoRA file on local disk (downloaded once when they are blobs).</summary>
    public async Task<(string Model, string? Lora)> FetchAsync(GenerateJobSpec spec, CancellationToken cancellationToken) =>
        (await fetcher.FetchFolderAsync(spec.Model, cancellationToken), await fetcher.FetchFileAsync(spec.Lora, cancellationToken));

    private static void CheckLocalFolder(GenerateJobSpec spec)
    {
        var folder = DiffusersModelFolder.Open(spec.Model);
        var scheduler = DiffusionSchedulers.FromConfigFile(folder.SchedulerConfig, spec.Scheduler);
        try
        {
            scheduler.SetTimesteps(spec.Steps);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--steps {spec.Steps} does not suit the {scheduler.Name} scheduler: {e.Message}", e);
        }
        var vae = AutoencoderKLConfig.FromJsonFile(Path.Combine(folder.Vae, "config.json"));
        var unet = UNet2DConditionConfig.FromJsonFile(Path.Combine(folder.UNet, "config.json"));
        int multiple = (1 << (vae.BlockOutChannels.Count - 1)) * (1 << (unet.DownBlockTypes.Count - 1));
        if (spec.Size % multiple != 0)
            throw new ArgumentException($"--size {spec.Size} is not a multiple of {multiple} (the VAE's downscale x the UNet's): choose e.g. {Math.Max(multiple, spec.Size / multiple * multiple)}.");
    }
}
