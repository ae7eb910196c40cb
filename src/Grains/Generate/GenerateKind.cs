using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Generate;

/// <summary>
/// The generate job kind: a prompts file through a diffusers text-to-image model into <c>images/&lt;shard&gt;/&lt;row&gt;.png</c>
/// + <c>metadata/</c>. Plans slices of <see cref="GenerateJobSpec.ShardSize"/> prompts (each line keeps its number in the
/// whole file, which fixes its seeds); each task runs in a <see cref="GenerateTaskRunner"/>.
/// </summary>
public sealed class GenerateKind(GenerateModels models, IObjectStoreFactory stores, IServiceProvider services, TimeProvider time)
    : JobKind<GenerateJobSpec>
{
    public override string Name => "generate";

    protected override async Task<string?> AdmitAsync(string jobId, GenerateJobSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await PromptsFile.ReadAsync(stores, spec.Prompts, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        return await models.AdmitAsync(spec, cancellationToken);
    }

    protected override async IAsyncEnumerable<PlannedTask> PlanAsync(PlanContext context, GenerateJobSpec spec,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prompts = await PromptsFile.ReadAsync(stores, spec.Prompts, cancellationToken);
        await context.Output.TryCreateAsync(OutputLayout.JobFile, OutputJson.Serialize(Record(context.JobId, spec, prompts.Count)), cancellationToken);
        for (int first = 0; first < prompts.Count; first += spec.ShardSize)
        {
            var lines = Enumerable.Range(first, Math.Min(spec.ShardSize, prompts.Count - first)).Select(i => new PromptPlan.Line(i, prompts[i])).ToList();
            yield return new PlannedTask(PromptPlan.Encode(lines), (long)lines.Count * spec.ImagesPerPrompt);
        }
    }

    /// <remarks>The slot's pipeline cache is created here, not resolved from the container, for the reason <see cref="Embed.EmbedKind.CreateRunner"/> gives.</remarks>
    public override ITaskRunner CreateRunner(WorkerSlot slot) =>
        ActivatorUtilities.CreateInstance<GenerateTaskRunner>(services, ActivatorUtilities.CreateInstance<GeneratorCache>(services));

    private GenerateJobRecord Record(string jobId, GenerateJobSpec spec, long prompts) => new()
    {
        JobId = jobId,
        Kind = Name,
        Prompts = spec.Prompts,
        PromptCount = prompts,
        Output = spec.Output,
        Model = spec.Model,
        Lora = spec.Lora,
        LoraScale = spec.Lora is null ? null : spec.LoraScale,
        Scheduler = spec.Scheduler ?? "model",
        Steps = spec.Steps,
        Guidance = spec.Guidance,
        Size = spec.Size,
        ImagesPerPrompt = spec.ImagesPerPrompt,
        Seed = spec.Seed,
        BatchSize = spec.BatchSize,
        ShardSize = spec.ShardSize,
        Device = spec.ComputeDevice,
        ComputeDtype = spec.ComputeDType,
        CreatedAt = time.GetUtcNow(),
    };
}
