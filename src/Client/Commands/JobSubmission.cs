using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Validate locally, start the runtime, submit, and (by default) follow the job: shared by <c>embed</c> and <c>demo</c>.</summary>
public static class JobSubmission
{
    /// <param name="usesBlobPaths">The spec names az:// or blob URL locations (embedded mode then starts Azurite when no storage is configured).</param>
    /// <param name="afterWait">What to print once the job ended (the kind's summary), on the same runtime; not with --json or --no-wait.</param>
    public static async Task<int> SubmitAndWaitAsync(string jobId, JobSpec spec, bool usesBlobPaths, bool wait, bool json, CancellationToken cancellationToken,
        Func<PipelineRuntime, CancellationToken, Task>? afterWait = null)
    {
        var errors = spec.Validate(jobId);
        if (errors.Count > 0)
        {
            foreach (var e in errors) await Console.Error.WriteLineAsync($"refused: {e}");
            return ExitCodes.FailedOrRefused;
        }

        await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths, cancellationToken);
        if (!wait && runtime.Embedded)
        {
            await Console.Error.WriteLineAsync("refused: --no-wait needs a cluster (set Pipeline__Cluster__Mode); in embedded mode the job runs inside this process.");
            return ExitCodes.FailedOrRefused;
        }
        int exit = await SubmitAndWaitAsync(runtime, jobId, spec, wait, json, cancellationToken);
        if (wait && !json && afterWait is not null) await afterWait(runtime, cancellationToken);
        return exit;
    }

    /// <summary>
    /// Submits and follows the job on <paramref name="runtime"/>. Human text goes to stdout; with <paramref name="json"/>
    /// stdout holds only the final status as JSON (or the submitted one with no wait) and progress goes to stderr.
    /// </summary>
    public static async Task<int> SubmitAndWaitAsync(PipelineRuntime runtime, string jobId, JobSpec spec, bool wait, bool json,
        CancellationToken cancellationToken)
    {
        var job = runtime.Grains.GetGrain<IJobGrain>(jobId);
        var submitted = await job.SubmitAsync(spec, cancellationToken);
        if (!submitted.Accepted)
        {
            await Console.Error.WriteLineAsync($"refused: {submitted.Error}");
            return ExitCodes.FailedOrRefused;
        }
        // With --json or --no-wait stdout is for scripts: the status document, or the job id alone.
        var notes = json || !wait ? Console.Error : Console.Out;
        await notes.WriteLineAsync($"job {jobId} accepted ({spec.Kind}, priority {spec.Priority}, output {spec.Output})");
        if (!wait)
        {
            if (json) CliJson.Write(Console.Out, submitted.Status);
            else Console.WriteLine(jobId);
            return ExitCodes.Succeeded;
        }
        var final = await JobWatch.FollowAsync(job.GetStatusAsync, JobWaiter.GrainPollInterval, json, cancellationToken);
        if (json) CliJson.Write(Console.Out, final);
        else Console.WriteLine(StatusText.Summary(final));
        return ExitCodes.For(final.State);
    }

    public static bool UsesBlobPaths(params string?[] locations) => locations.Any(p => p is not null &&
        (p.StartsWith("az://", StringComparison.OrdinalIgnoreCase) || p.StartsWith("http", StringComparison.OrdinalIgnoreCase)));
}
