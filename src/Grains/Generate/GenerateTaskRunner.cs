using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Jobs.Kinds;
using Pipeline.Models.Diffusion.Pipelines;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Generate;

/// <summary>
/// Runs one generation task on a worker slot: the task's prompts, each repeated <see cref="GenerateJobSpec.ImagesPerPrompt"/>
/// times with its own seed, in batches of <see cref="GenerateJobSpec.BatchSize"/> images through the slot's pipeline; each
/// image is staged as <c>images/&lt;shard&gt;/&lt;row&gt;.png</c> under the attempt, and one metadata row per image.
/// </summary>
public sealed class GenerateTaskRunner(GeneratorCache generators, ILogger<GenerateTaskRunner> logger) : ITaskRunner
{
    public async Task<TaskResult> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var spec = (GenerateJobSpec)context.Lease.Spec;
        int shard = context.Lease.Task;
        var images = PromptPlan.Decode(context.Payload)
            .SelectMany(line => Enumerable.Range(0, spec.ImagesPerPrompt).Select(image => (line.Index, line.Prompt, Image: image)))
            .ToList();
        var pipeline = await generators.GetAsync(spec, context.Slot.TorchDevice, cancellationToken);
        var settings = new GenerationSettings(spec.Steps, spec.Guidance, spec.Size, spec.Size);
        var rows = new List<GenerationMetadataRow>(images.Count);
        foreach (var batch in images.Chunk(spec.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var generated = pipeline.Generate([.. batch.Select(b => new ImageRequest(b.Prompt, spec.SeedOf(b.Index, b.Image)))], settings);
            double seconds = watch.Elapsed.TotalSeconds;
            logger.LogDebug("job {JobId} task {Task}: {Images} images generated in {Seconds:0.00} s", context.Lease.JobId, shard, batch.Length, seconds);
            for (int i = 0; i < batch.Length; i++)
            {
                var key = OutputLayout.Image(shard, rows.Count);
                await context.Commit.StageAsync(key, PngEncoding.Encode(generated[i]), cancellationToken);
                rows.Add(new GenerationMetadataRow
                {
                    Prompt = batch[i].Prompt,
                    Seed = spec.SeedOf(batch[i].Index, batch[i].Image),
                    Steps = spec.Steps,
                    Guidance = spec.Guidance,
                    Scheduler = pipeline.SchedulerName,
                    Model = spec.Model,
                    Lora = spec.Lora,
                    LoraScale = spec.Lora is null ? null : spec.LoraScale,
                    ImagePath = key,
                    Seconds = seconds / batch.Length,
                    PromptIndex = batch[i].Index,
                    ImageIndex = batch[i].Image,
                    Width = generated[i].Width,
                    Height = generated[i].Height,
                    Truncated = generated[i].PromptTruncated,
                });
            }
        }
        using (var parquet = new MemoryStream())
        {
            await ParquetFiles.WriteAsync(parquet, rows, cancellationToken);
            parquet.Position = 0;
            await context.Commit.StageAsync(OutputLayout.Metadata(shard), parquet, cancellationToken);
        }
        logger.LogInformation("job {JobId} task {Task}: {Images} images staged", context.Lease.JobId, shard, rows.Count);
        return new TaskResult(rows.Count, 0);
    }

    public void Dispose() => generators.Dispose();
}
