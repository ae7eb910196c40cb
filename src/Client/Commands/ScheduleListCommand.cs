using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Client.Schedules;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline schedule list [--json]</c>: every schedule with its cron, zone, next tick, last job and missed ticks.</summary>
public static class ScheduleListCommand
{
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("list", "List schedules: cron, zone, next tick, last job, missed ticks") { Json };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(Json), ct));
        return command;
    }

    private static async Task<int> RunAsync(bool json, CancellationToken cancellationToken)
    {
        await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: false, cancellationToken);
        var names = await runtime.Grains.GetGrain<IScheduleRegistryGrain>(ScheduleRegistryKeys.All).ListAsync(cancellationToken);
        var infos = (await Task.WhenAll(names.Select(n => runtime.Grains.GetGrain<IScheduleGrain>(n).GetAsync(cancellationToken))))
            .OfType<ScheduleInfo>().ToList();
        if (json) CliJson.WriteDocument(Console.Out, infos.Select(ScheduleDocument.From).ToList());
        else if (infos.Count == 0)
            Console.WriteLine(runtime.Embedded
                ? "no schedules: embedded mode keeps schedules only in the process that added them (configure a cluster to list its schedules)."
                : "no schedules (add one with 'pipeline schedule add').");
        else ScheduleTable.Write(infos);
        return ExitCodes.Succeeded;
    }
}
