using System.Text.Json;
using Pipeline.Contracts.Jobs;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;
using Pipeline.Storage;

namespace Pipeline.Grains.Embed;

/// <summary>The model identity an embed job records in <c>job.json</c>.</summary>
public sealed record EmbedModelIdentity(string ModelId, string WeightsSha256, long? RandomSeed);

/// <summary>
/// <c>--model</c>/<c>--weights</c> of an embed job: quick checks at submit (an unknown model, a missing weights file
/// or an option the model does not support is refused before any task runs), and the full identity (download of blob
/// models, sha256 of the weights) during background planning.
/// </summary>
public sealed class EmbedModels(ModelFetcher fetcher, IObjectStoreFactory stores)
{
    /// <summary>Seed of <c>--weights random</c>: fixed, so every worker builds the same model.</summary>
    public const long RandomSeed = 0;

    /// <summary>What to fix, or null. Reads config headers only; blob-held models are checked for existence, not downloaded.</summary>
    public async Task<string?> AdmitAsync(EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        // Asking libtorch about CUDA loads it (about 0.4 s): never on the grain's turn, and not at all for cpu jobs.
        if (spec.ComputeDevice != "cpu")
        {
            try
            {
                await Task.Run(() => ImageEmbedder.ParseDevice(spec.ComputeDevice), cancellationToken);
            }
            catch (NotSupportedException e)
            {
                return e.Message;
            }
        }

        if (ModelFetcher.IsRemote(spec.Model) || (spec.Weights is { } w && ModelFetcher.IsRemote(w)))
            return await RemoteExistsAsync(spec, cancellationToken);

        ResolvedModel resolved;
        try
        {
            resolved = ModelResolver.Resolve(spec.Model, spec.Weights);
        }
        catch (Exception e) when (IsUserError(e))
        {
            return Message(spec, e);
        }
        return CheckOptions(spec, resolved);
    }

    /// <summary>The resolved model and its identity: blob models downloaded to the cache, weights hashed.</summary>
    public async Task<EmbedModelIdentity> IdentifyAsync(EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        ResolvedModel resolved;
        try
        {
            resolved = await ResolveAsync(fetcher, spec, cancellationToken);
        }
        catch (Exception e) when (IsUserError(e))
        {
            throw new ArgumentException(Message(spec, e), e);
        }
        if (CheckOptions(spec, resolved) is { } refusal) throw new ArgumentException(refusal);
        if (resolved.WeightsPath is null) return new EmbedModelIdentity(resolved.ModelId, "random", RandomSeed);
        using var checkpoint = Checkpoint.Open(resolved.WeightsPath);
        return new EmbedModelIdentity(resolved.ModelId, checkpoint.Sha256, null);
    }

    /// <summary>Downloads blob-path models and weights into the cache, then resolves them like local ones.</summary>
    public static async Task<ResolvedModel> ResolveAsync(ModelFetcher fetcher, EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        var model = await fetcher.FetchFolderAsync(spec.Model, cancellationToken);
        var weights = await fetcher.FetchFileAsync(spec.Weights, cancellationToken);
        return ModelResolver.Resolve(model, weights);
    }

    private static string? CheckOptions(EmbedJobSpec spec, ResolvedModel resolved)
    {
        bool isViT = resolved.Architecture.Family == "vit";
        if (!isViT && spec.Pooling is not null and not "cls")
            return $"--pooling {spec.Pooling} applies to ViT models only; {resolved.ModelId} pools its feature map.";
        if (!isViT && spec.PosEmbedResampling is not null)
            return $"--pos-resample applies to ViT models only; {resolved.ModelId} has no position table.";
        if (!isViT && spec.PatchTokens)
            return $"--patch-tokens applies to ViT models only; {resolved.ModelId} has no patch tokens.";
        return null;
    }

    private async Task<string?> RemoteExistsAsync(EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            if (ModelFetcher.IsRemote(spec.Model))
            {
                var folder = stores.Open(StorageLocation.Parse(spec.Model));
                if (!await folder.ExistsAsync("config.json", cancellationToken))
                    return $"--model {spec.Model} has no config.json: pass a Hugging Face or timm model folder.";
            }
            if (spec.Weights is { } weights && ModelFetcher.IsRemote(weights))
            {
                var location = StorageLocation.Parse(weights);
                var name = Path.GetFileName(location.Prefix.TrimEnd('/'));
                var parent = stores.Open(StorageLocation.Parse(weights[..^name.Length]));
                if (!await parent.ExistsAsync(name, cancellationToken))
                    return $"--weights {weights} does not exist.";
            }
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static bool IsUserError(Exception e) =>
        e is ArgumentException or KeyNotFoundException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or JsonException or NotSupportedException;

    private static string Message(EmbedJobSpec spec, Exception e)
    {
        var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
        return message.Contains("--model", StringComparison.Ordinal) || message.Contains("--weights", StringComparison.Ordinal)
            ? message
            : $"--model {spec.Model}: {message}";
    }
}
