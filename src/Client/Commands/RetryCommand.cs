using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline retry JOB [--watch]</c>: reruns the failed tasks and failed samples of a finished job (nothing else is
/// rewritten) and prints the resulting status; with <c>--watch</c> it follows the job and exits with its exit code.
/// </summary>
public static class RetryCommand
{
    private static readonly Argument<string> Job = CommonOptions.Job();
    private static readonly Option<bool> Watch = new("--watch") { Description = "Follow the job until it ends and exit with its exit code" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("retry", "Rerun the failed tasks and samples of a finished job in the cluster") { Job, Watch, Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Job)!, parse.GetValue(Watch), parse.GetValue(Json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string jobId, bool watch, bool json, CancellationToken cancellationToken)
    {
        if (CommonOptions.RefuseJobId(jobId) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await ClusterConnection.ConnectAsync("retry", Console.Error, cancellationToken);
        if (runtime is null) return ExitCodes.FailedOrRefused;

        var job = runtime.Grains.GetGrain<IJobGrain>(jobId);
        var retried = await job.RetryAsync(cancellationToken);
        if (!retried.Accepted)
        {
            await Console.Error.WriteLineAsync($"refused: {retried.Error}");
            return ExitCodes.FailedOrRefused;
        }
        var status = watch ? await JobWatch.FollowAsync(job.GetStatusAsync, JobWaiter.GrainPollInterval, json, cancellationToken) : retried.Status;
        if (json) CliJson.Write(Console.Out, status);
        else Console.WriteLine(StatusText.Summary(status));
        return watch ? ExitCodes.For(status.State) : ExitCodes.Succeeded;
    }
}
