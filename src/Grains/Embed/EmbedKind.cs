using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using Pipeline.Storage.Corpus;

namespace Pipeline.Grains.Embed;

/// <summary>
/// The embed job kind: a corpus (folder, blob prefix, manifest, WebDataset tars) through a vision model into
/// <c>img_emb/</c> + <c>metadata/</c> (+ <c>failures/</c>, <c>patch_emb/</c>). Plans fixed-size slices of the listing
/// (one task per tar); each task runs in an <see cref="EmbedTaskRunner"/>.
/// </summary>
public sealed class EmbedKind(EmbedModels models, IObjectStoreFactory stores, IOptions<EmbedOptions> options, IServiceProvider services, TimeProvider time)
    : JobKind<EmbedJobSpec>
{
    public override string Name => "embed";

    private CorpusSource Corpus => new(stores, options.Value.ImageExtensions);

    protected override async Task<string?> AdmitAsync(string jobId, EmbedJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var input = await Corpus.OpenAsync(spec.Input, cancellationToken);
            if (input.Kind == CorpusInputKind.Folder)
            {
                // One listing page at most: a missing or empty input is refused now, the full listing happens in planning.
                await using var entries = input.EntriesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                if (!await entries.MoveNextAsync()) return NoImages(spec);
            }
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return e.Message;
        }
        return await models.AdmitAsync(spec, cancellationToken);
    }

    protected override async IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, EmbedJobSpec spec,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var identity = await models.IdentifyAsync(spec, cancellationToken);
        await context.Output.TryCreateAsync(OutputLayout.JobFile, OutputJson.Serialize(Record(context.JobId, spec, identity)), cancellationToken);

        var input = await Corpus.OpenAsync(spec.Input, cancellationToken);
        var lines = new PlanLines(input.Root);
        var slice = new List<string>(Math.Min(spec.ShardSize, 65_536));
        int tasks = 0;
        await foreach (var entry in input.EntriesAsync(cancellationToken))
        {
            if (entry.Kind == CorpusEntryKind.Tar)
            {
                tasks++;
                yield return new PlannedTask(Encoding.UTF8.GetBytes(lines.Encode(entry)), -1);
                continue;
            }
            slice.Add(lines.Encode(entry));
            if (slice.Count == spec.ShardSize)
            {
                tasks++;
                yield return Task(slice);
            }
        }
        if (slice.Count > 0)
        {
            tasks++;
            yield return Task(slice);
        }
        if (tasks == 0) throw new ArgumentException(NoImages(spec));
    }

    /// <summary>Failed samples of committed tasks, re-planned from those tasks' plans into new tasks of at most a shard each.</summary>
    protected override async IAsyncEnumerable<PlannedTask> PlanRetryAsync(PlanContext context, EmbedJobSpec spec, IReadOnlyList<ShardMarker> withFailures,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = new PlanLines((await Corpus.OpenAsync(spec.Input, cancellationToken)).Root);
        var slice = new List<string>();
        foreach (var marker in withFailures)
        {
            foreach (var line in await RetryLinesAsync(context.Output, marker, lines, cancellationToken))
            {
                slice.Add(line);
                if (slice.Count == spec.ShardSize) yield return Task(slice);
            }
        }
        if (slice.Count > 0) yield return Task(slice);
    }

    protected override async Task<IReadOnlyList<ShardMarker>> SelectRetryableAsync(PlanContext context, EmbedJobSpec spec,
        IReadOnlyList<ShardMarker> withFailures, CancellationToken cancellationToken)
    {
        var lines = new PlanLines((await Corpus.OpenAsync(spec.Input, cancellationToken)).Root);
        var retryable = new List<ShardMarker>();
        foreach (var marker in withFailures)
            if ((await RetryLinesAsync(context.Output, marker, lines, cancellationToken)).Count > 0) retryable.Add(marker);
        return retryable;
    }

    /// <summary>
    /// The plan lines of a committed task whose samples failed. A tar reruns only when it could not be read at all (no
    /// rows, and the failure names the tar itself): rerunning a partly read tar would repeat the rows it gave, so
    /// failed members inside a readable tar stay failed.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RetryLinesAsync(IObjectStore output, ShardMarker marker, PlanLines lines, CancellationToken cancellationToken)
    {
        var failed = (await ReadFailuresAsync(output, marker.Shard, cancellationToken)).Select(f => f.ImagePath).ToHashSet(StringComparer.Ordinal);
        var plan = Encoding.UTF8.GetString(await output.ReadAllBytesAsync(OutputLayout.Plan(marker.Shard), cancellationToken));
        return [.. plan.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line =>
        {
            var entry = lines.Decode(line);
            return failed.Contains(entry.ImagePath) && (entry.Kind == CorpusEntryKind.Image || marker.Rows == 0);
        })];
    }

    /// <remarks>
    /// The slot's model cache is created here, not resolved from the container: the root container would track the
    /// disposable and dispose it (freeing the model's native tensors) when the silo's host is disposed, even while the
    /// slot's worker is still inside a forward pass after an ungraceful stop, which crashed the process in libtorch.
    /// The worker disposes its runner, and with it the cache, when its loop has ended.
    /// </remarks>
    public override ITaskRunner CreateRunner(WorkerSlot slot) =>
        ActivatorUtilities.CreateInstance<EmbedTaskRunner>(services, ActivatorUtilities.CreateInstance<EmbedderCache>(services));

    private static PlannedTask Task(List<string> slice)
    {
        var task = new PlannedTask(Encoding.UTF8.GetBytes(string.Join('\n', slice)), slice.Count);
        slice.Clear();
        return task;
    }

    private string NoImages(EmbedJobSpec spec) =>
        $"--input {spec.Input} holds no images (looked for {string.Join(", ", options.Value.ImageExtensions)} and .tar files, recursively): check the path.";

    private static async Task<IReadOnlyList<FailureRow>> ReadFailuresAsync(IObjectStore output, int shard, CancellationToken cancellationToken)
    {
        var bytes = await output.ReadAllBytesIfPresentAsync(OutputLayout.Failures(shard), cancellationToken);
        return bytes is null ? [] : await ParquetFiles.ReadAsync<FailureRow>(new MemoryStream(bytes), cancellationToken);
    }

    private JobRecord Record(string jobId, EmbedJobSpec spec, EmbedModelIdentity identity) => new()
    {
        JobId = jobId,
        Kind = Name,
        Input = spec.Input,
        Output = spec.Output,
        Model = identity.ModelId,
        ModelSource = spec.Model,
        Weights = spec.Weights,
        WeightsSha256 = identity.WeightsSha256,
        RandomSeed = identity.RandomSeed,
        BatchSize = spec.BatchSize,
        ShardSize = spec.ShardSize,
        OutputDtype = spec.OutputDType == OutputDType.Float16 ? "float16" : "float32",
        Pooling = spec.Pooling,
        PatchTokens = spec.PatchTokens,
        PosEmbedResampling = spec.PosEmbedResampling,
        Device = spec.ComputeDevice,
        ComputeDtype = spec.ComputeDType,
        CreatedAt = time.GetUtcNow(),
    };
}
