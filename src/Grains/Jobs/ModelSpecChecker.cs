using System.Text.Json;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Workers;
using Pipeline.Models.Checkpoints;
using Pipeline.Models.Embedding;
using Pipeline.Models.Loading;

namespace Pipeline.Grains.Jobs;

/// <summary>What the planner learns about a spec's model: its id and weights identity, or why it cannot be used.</summary>
public sealed record ModelCheck(string? Error, string? ModelId = null, string? WeightsSha256 = null, long? RandomSeed = null);

/// <summary>
/// Resolves <c>--model</c>/<c>--weights</c> at submit, so an unknown model, a missing weights file or an option the
/// model does not support is refused before any shard runs.
/// </summary>
public sealed class ModelSpecChecker(ModelFetcher fetcher)
{
    /// <summary>Seed of <c>--weights random</c>: fixed, so every worker builds the same model.</summary>
    public const long RandomSeed = 0;

    public async Task<ModelCheck> CheckAsync(EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        ResolvedModel resolved;
        try
        {
            resolved = await ResolveAsync(fetcher, spec, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidDataException or JsonException or NotSupportedException)
        {
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            return new ModelCheck(message.Contains("--model", StringComparison.Ordinal) || message.Contains("--weights", StringComparison.Ordinal)
                ? message
                : $"--model {spec.Model}: {message}");
        }

        try
        {
            ImageEmbedder.ParseDevice(spec.Device);
        }
        catch (NotSupportedException e)
        {
            return new ModelCheck(e.Message);
        }

        bool isViT = resolved.Architecture.Family == "vit";
        if (!isViT && spec.Pooling is not null and not "cls")
            return new ModelCheck($"--pooling {spec.Pooling} applies to ViT models only; {resolved.ModelId} pools its feature map.");
        if (!isViT && spec.PosEmbedResampling is not null)
            return new ModelCheck($"--pos-resample applies to ViT models only; {resolved.ModelId} has no position table.");
        if (!isViT && spec.PatchTokens)
            return new ModelCheck($"--patch-tokens applies to ViT models only; {resolved.ModelId} has no patch tokens.");
        if (resolved.WeightsPath is null) return new ModelCheck(null, resolved.ModelId, "random", RandomSeed);
        using var checkpoint = Checkpoint.Open(resolved.WeightsPath);
        return new ModelCheck(null, resolved.ModelId, checkpoint.Sha256);
    }

    /// <summary>Downloads blob-path models and weights into the cache, then resolves them like local ones.</summary>
    public static async Task<ResolvedModel> ResolveAsync(ModelFetcher fetcher, EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        var model = await fetcher.FetchFolderAsync(spec.Model, cancellationToken);
        var weights = await fetcher.FetchFileAsync(spec.Weights, cancellationToken);
        return ModelResolver.Resolve(model, weights);
    }
}
