using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline schedule remove --name N</c>: forgets the schedule and stops its reminder; jobs it submitted go on.</summary>
public static class ScheduleRemoveCommand
{
    private static readonly Option<string> Name = ScheduleCommand.NameOption();

    public static Command Create()
    {
        var command = new Command("remove", "Remove a schedule (jobs it submitted keep running)") { Name };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Name)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string name, CancellationToken cancellationToken)
    {
        await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
        if (!await runtime.Grains.GetGrain<IScheduleGrain>(name).RemoveAsync(cancellationToken))
        {
            await Console.Error.WriteLineAsync($"refused: there is no schedule '{name}' (see 'pipeline schedule list').");
            return ExitCodes.FailedOrRefused;
        }
        Console.WriteLine($"schedule {name} removed");
        return ExitCodes.Succeeded;
    }
}
