using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline status JOB [--output LOCATION] [--watch] [--json]</c>: asks the cluster's job grain; in embedded mode (no
/// cluster) the job lived in another process, so it reads the job's committed state from its output instead. Exits
/// with the job's exit code (0, 2, or 1 for failed, cancelled or unknown; a running job exits 0 unless watched).
/// </summary>
public static class StatusCommand
{
    private static readonly Argument<string> Job = CommonOptions.Job();
    private static readonly Option<string?> Output = new("--output") { Description = "The job's output location (embedded mode reads status from it)" };
    private static readonly Option<bool> Watch = new("--watch") { Description = "Follow the job until it ends and exit with its exit code" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("status", "Show a job's state, task counts, images/s and ETA") { Job, Output, Watch, Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Job)!, parse.GetValue(Output), parse.GetValue(Watch), parse.GetValue(Json), ct));
        return command;
    }

    /// <summary>Status as the job's output shows it (see <see cref="OutputStatusReader"/>).</summary>
    public static Task<JobStatus> ReadFromOutputAsync(IObjectStore store, string jobId, CancellationToken cancellationToken) =>
        OutputStatusReader.ReadAsync(store, jobId, cancellationToken);

    private static async Task<int> RunAsync(string jobId, string? output, bool watch, bool json, CancellationToken cancellationToken)
    {
        if (CommonOptions.RefuseJobId(jobId) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await PipelineRuntime.StartAsync(output is not null && !Directory.Exists(output) && output.Contains("://"), cancellationToken);
        Func<CancellationToken, Task<JobStatus>> poll;
        TimeSpan interval;
        if (runtime.Embedded)
        {
            if (output is null)
            {
                await Console.Error.WriteLineAsync("refused: without a cluster, pass --output <the job's output location> so status can read it.");
                return ExitCodes.FailedOrRefused;
            }
            var store = runtime.Stores.Open(StorageLocation.Parse(output));
            (poll, interval) = (ct => ReadFromOutputAsync(store, jobId, ct), JobWaiter.OutputPollInterval);
        }
        else
        {
            var job = runtime.Grains.GetGrain<IJobGrain>(jobId);
            (poll, interval) = (job.GetStatusAsync, JobWaiter.GrainPollInterval);
        }

        var status = watch ? await JobWatch.FollowAsync(poll, interval, json, cancellationToken) : await poll(cancellationToken);
        if (json) CliJson.Write(Console.Out, status);
        else Console.WriteLine(StatusText.Summary(status));
        if (status.State == JobState.Unknown) return ExitCodes.FailedOrRefused;
        return status.IsFinal ? ExitCodes.For(status.State) : ExitCodes.Succeeded;
    }
}
