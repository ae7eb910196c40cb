using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Client.Schedules;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline schedule add --name N --cron C [--time-zone Z] [--replace] -- &lt;job command&gt;</c>: the tokens after
/// <c>--</c> are a job command (see <see cref="ScheduledJobCommands"/>) parsed by its own parser; its <c>--output</c>
/// may hold {date}, {time}, {tick} and {schedule}. The silo validates the rest (name, cron, zone, the template rendered
/// for the next tick) and stores it.
/// </summary>
public static class ScheduleAddCommand
{
    private static readonly Option<string> Name = ScheduleCommand.NameOption();
    private static readonly Option<string> Cron = new("--cron")
    {
        Description = "When: 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 2 * * *\", or 6 with seconds first", Required = true,
    };
    private static readonly Option<string> TimeZone = new("--time-zone") { Description = "IANA time zone the cron is read in", DefaultValueFactory = _ => "UTC" };
    private static readonly Option<bool> Replace = new("--replace") { Description = "Replace a schedule of this name that differs" };
    private static readonly Argument<string[]> Job = new("job")
    {
        Description = "After '--': the job command to run at each tick (embed ..., index ...); --output may use {date}, {time}, {tick}, {schedule}",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("add", "Add a schedule: -- <job command> runs at every tick of --cron. " +
                                         "In embedded mode the schedule fires only while this command runs (until Ctrl+C).")
        {
            Name, Cron, TimeZone, Replace, Job,
        };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var tokens = parse.GetValue(Job) ?? [];
        var template = ScheduledJobCommands.Parse(tokens, out var error);
        if (template is null)
        {
            await Console.Error.WriteLineAsync($"refused: {error}");
            return ExitCodes.FailedOrRefused;
        }
        var spec = new ScheduleSpec { Name = parse.GetValue(Name)!, Cron = parse.GetValue(Cron)!, TimeZone = parse.GetValue(TimeZone)!, Template = template };

        await using var runtime = await PipelineRuntime.StartAsync(JobSubmission.UsesBlobPaths(tokens), cancellationToken);
        var result = await runtime.Grains.GetGrain<IScheduleGrain>(spec.Name).AddAsync(spec, parse.GetValue(Replace), cancellationToken);
        if (!result.Accepted)
        {
            foreach (var e in result.Errors) await Console.Error.WriteLineAsync($"refused: {e}");
            return ExitCodes.FailedOrRefused;
        }
        var info = result.Info!;
        Console.WriteLine($"schedule {spec.Name}: {template.Kind} job at '{spec.Cron}' ({spec.TimeZone}), next tick {ScheduleTable.Time(info.NextTick)}, " +
                          $"job ids {spec.Name}-<{ScheduleTemplate.TickFormat}>");
        if (!runtime.Embedded) return ExitCodes.Succeeded;

        await Console.Error.WriteLineAsync("embedded mode: the schedule fires while this process runs; Ctrl+C stops it " +
                                           "(run pipeline-silo and set Pipeline__Cluster__Mode for schedules that outlive this command).");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the embedded silo stops with this process, and its schedule with it.
        }
        return ExitCodes.Succeeded;
    }
}
