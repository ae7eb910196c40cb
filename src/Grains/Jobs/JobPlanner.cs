using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// Turns an accepted spec into a plan: checks the output and the model, lists the corpus (ordinal by key), writes one
/// plan file per shard and <c>job.json</c>. Every refusal says what to fix.
/// </summary>
public sealed class JobPlanner(IObjectStoreFactory stores, ModelSpecChecker models, IOptions<JobOptions> options, TimeProvider time)
{
    private const int PlanWriteConcurrency = 16;

    public async Task<JobPlan> PlanAsync(string jobId, EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        if (!TryParse("--input", spec.Input, out var input, out var error)) return JobPlan.Refused(error);
        if (!TryParse("--output", spec.Output, out var output, out error)) return JobPlan.Refused(error);
        var outputStore = stores.Open(output);

        if (await OutputJson.ReadIfPresentAsync<JobRecord>(outputStore, OutputLayout.JobFile, cancellationToken) is { } existing)
        {
            if (existing.JobId != jobId)
                return JobPlan.Refused($"--output {spec.Output} already holds job '{existing.JobId}': choose an empty output, " +
                                       $"or pass --job-id {existing.JobId} to resume that job.");
        }

        var model = await models.CheckAsync(spec, cancellationToken);
        if (model.Error is not null) return JobPlan.Refused(model.Error);

        var keys = await ListImagesAsync(stores.Open(input), cancellationToken);
        if (keys.Count == 0)
            return JobPlan.Refused($"--input {spec.Input} holds no images (looked for {string.Join(", ", options.Value.ImageExtensions)} " +
                                   "files, recursively): check the path.");

        var sizes = Enumerable.Range(0, (keys.Count + spec.ShardSize - 1) / spec.ShardSize)
            .Select(i => Math.Min(spec.ShardSize, keys.Count - i * spec.ShardSize)).ToArray();

        if (await OutputJson.ReadIfPresentAsync<JobManifest>(outputStore, OutputLayout.ManifestFile, cancellationToken) is { } manifest
            && manifest.JobId == jobId)
            return new JobPlan(null, sizes, keys.Count, manifest);

        await Parallel.ForEachAsync(Enumerable.Range(0, sizes.Length),
            new ParallelOptions { MaxDegreeOfParallelism = PlanWriteConcurrency, CancellationToken = cancellationToken },
            async (shard, ct) =>
            {
                var slice = keys.Skip(shard * spec.ShardSize).Take(sizes[shard]);
                await outputStore.WriteAsync(OutputLayout.Plan(shard), System.Text.Encoding.UTF8.GetBytes(string.Join('\n', slice)), ct);
            });

        var record = new JobRecord
        {
            JobId = jobId,
            Kind = "embed",
            Input = spec.Input,
            Output = spec.Output,
            Model = model.ModelId!,
            Weights = spec.Weights,
            WeightsSha256 = model.WeightsSha256!,
            RandomSeed = model.RandomSeed,
            BatchSize = spec.BatchSize,
            ShardSize = spec.ShardSize,
            OutputDtype = spec.OutputDType == OutputDType.Float16 ? "float16" : "float32",
            Pooling = spec.Pooling,
            PatchTokens = spec.PatchTokens,
            PosEmbedResampling = spec.PosEmbedResampling,
            Device = spec.Device,
            ComputeDtype = spec.ComputeDType,
            Images = keys.Count,
            Shards = sizes.Length,
            CreatedAt = time.GetUtcNow(),
        };
        await outputStore.TryCreateAsync(OutputLayout.JobFile, OutputJson.Serialize(record), cancellationToken);
        return new JobPlan(null, sizes, keys.Count);
    }

    private async Task<List<string>> ListImagesAsync(IObjectStore input, CancellationToken cancellationToken)
    {
        var extensions = options.Value.ImageExtensions;
        var keys = new List<string>();
        try
        {
            await foreach (var entry in input.ListAsync("", cancellationToken))
                if (extensions.Any(e => entry.Key.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    keys.Add(entry.Key);
        }
        catch (DirectoryNotFoundException)
        {
            return keys;
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static bool TryParse(string option, string text, out StorageLocation location, out string error)
    {
        try
        {
            location = StorageLocation.Parse(text);
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            location = null!;
            error = $"{option} '{text}': {e.Message}";
            return false;
        }
    }
}
