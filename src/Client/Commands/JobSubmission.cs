using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Validate locally, start the runtime, submit, and wait: shared by <c>embed</c> and <c>demo</c>.</summary>
public static class JobSubmission
{
    public static async Task<int> SubmitAndWaitAsync(string jobId, EmbedJobSpec spec, bool wait, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var errors = EmbedJobSpecValidator.Validate(jobId, spec);
        if (errors.Count > 0)
        {
            foreach (var e in errors) error.WriteLine($"refused: {e}");
            return ExitCodes.FailedOrRefused;
        }

        await using var runtime = await PipelineRuntime.StartAsync(UsesBlobPaths(spec), cancellationToken);
        if (!wait && runtime.Embedded)
        {
            error.WriteLine("refused: --no-wait needs a cluster (set Pipeline__Cluster__Mode); in embedded mode the job runs inside this process.");
            return ExitCodes.FailedOrRefused;
        }
        return await SubmitAndWaitAsync(runtime, jobId, spec, wait, output, error, cancellationToken);
    }

    public static async Task<int> SubmitAndWaitAsync(PipelineRuntime runtime, string jobId, EmbedJobSpec spec, bool wait,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var job = runtime.Grains.GetGrain<IJobGrain>(jobId);
        var submitted = await job.SubmitAsync(spec, cancellationToken);
        if (!submitted.Accepted)
        {
            error.WriteLine($"refused: {submitted.Error}");
            return ExitCodes.FailedOrRefused;
        }
        output.WriteLine($"job {jobId} accepted: {submitted.Status.TotalImages} images in {submitted.Status.TotalShards} shards");
        if (!wait)
        {
            output.WriteLine(jobId);
            return ExitCodes.Succeeded;
        }
        var final = await JobWaiter.WaitAsync(job, output, cancellationToken);
        output.WriteLine(StatusText.Summary(final));
        return ExitCodes.For(final.State);
    }

    public static bool UsesBlobPaths(EmbedJobSpec spec) =>
        new[] { spec.Input, spec.Output, spec.Model, spec.Weights }.Any(p => p is not null &&
            (p.StartsWith("az://", StringComparison.OrdinalIgnoreCase) || p.StartsWith("http", StringComparison.OrdinalIgnoreCase)));
}
