using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline cancel JOB</c>: stops handing out the job's tasks (committed output stays; resubmitting the id continues
/// it) and prints the resulting status. Exits 0 when the job is cancelled or had already ended, 1 when it is unknown.
/// </summary>
public static class CancelCommand
{
    private static readonly Argument<string> Job = CommonOptions.Job();
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("cancel", "Cancel a job in the cluster (committed output stays)") { Job, Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Job)!, parse.GetValue(Json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string jobId, bool json, CancellationToken cancellationToken)
    {
        if (CommonOptions.RefuseJobId(jobId) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await ClusterConnection.ConnectAsync("cancel", Console.Error, cancellationToken);
        if (runtime is null) return ExitCodes.FailedOrRefused;

        var status = await runtime.Grains.GetGrain<IJobGrain>(jobId).CancelAsync(cancellationToken);
        if (json) CliJson.Write(Console.Out, status);
        else Console.WriteLine(StatusText.Summary(status));
        if (status.State == JobState.Unknown)
        {
            await Console.Error.WriteLineAsync($"refused: the cluster knows no job '{jobId}'.");
            return ExitCodes.FailedOrRefused;
        }
        return ExitCodes.Succeeded;
    }
}
