using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline jobs</c>: every job the cluster remembers, newest first, with each one's current status.</summary>
public static class JobsCommand
{
    public const string QueueKey = "default";

    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("jobs", "List the cluster's jobs (active and recent) with their progress") { Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Json), ct));
        return command;
    }

    private static async Task<int> RunAsync(bool json, CancellationToken cancellationToken)
    {
        await using var runtime = await ClusterConnection.ConnectAsync("jobs", Console.Error, cancellationToken);
        if (runtime is null) return ExitCodes.FailedOrRefused;

        var entries = await runtime.Grains.GetGrain<IJobQueueGrain>(QueueKey).ListJobsAsync(cancellationToken);
        var statuses = await Task.WhenAll(entries.Select(async entry =>
        {
            var status = await runtime.Grains.GetGrain<IJobGrain>(entry.JobId).GetStatusAsync(cancellationToken);
            // The queue's entry fills in what a status may lack (a job grain that lost its state still has its listing).
            return status with
            {
                Kind = status.Kind ?? entry.Kind,
                SubmittedAt = status.SubmittedAt ?? entry.SubmittedAt,
                Output = status.Output ?? entry.Output,
                Priority = status.State == JobState.Unknown ? entry.Priority : status.Priority,
            };
        }));
        if (json) CliJson.Write(Console.Out, statuses);
        else if (statuses.Length == 0) Console.WriteLine("no jobs: the cluster remembers none (submit one with 'pipeline embed').");
        else JobsTable.Write(statuses);
        return ExitCodes.Succeeded;
    }
}
