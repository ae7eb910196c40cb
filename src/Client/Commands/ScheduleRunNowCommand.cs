using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline schedule run-now --name N</c>: submits the schedule's job now, as <c>&lt;name&gt;-manual-&lt;utc&gt;</c>, and prints its id.</summary>
public static class ScheduleRunNowCommand
{
    private static readonly Option<string> Name = ScheduleCommand.NameOption();
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("run-now", "Submit a schedule's job now, outside its ticks (prints the job id; follow it with 'pipeline status')") { Name, Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Name)!, parse.GetValue(Json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string name, bool json, CancellationToken cancellationToken)
    {
        await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
        var submitted = await runtime.Grains.GetGrain<IScheduleGrain>(name).RunNowAsync(cancellationToken);
        if (!submitted.Accepted)
        {
            await Console.Error.WriteLineAsync($"refused: {submitted.Error}");
            return ExitCodes.FailedOrRefused;
        }
        if (json) CliJson.Write(Console.Out, submitted.Status);
        else Console.WriteLine(submitted.Status.JobId);
        return ExitCodes.Succeeded;
    }
}
