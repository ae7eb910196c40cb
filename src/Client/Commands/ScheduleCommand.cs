using System.CommandLine;

namespace Pipeline.Client.Commands;

/// <summary><c>pipeline schedule</c>: add, list, remove and run-now of schedules that submit a job at every cron tick.</summary>
public static class ScheduleCommand
{
    public const string Description =
        "Run a job on a cron schedule: each tick submits one job, id <name>-<yyyyMMddTHHmmss> (a tick handled twice resumes it, " +
        "never duplicates). A cluster keeps schedules across restarts; in embedded mode (no cluster configured) a schedule " +
        "lives in this process and fires only while it runs ('schedule add' then keeps running until Ctrl+C).";

    public static Command Create() => new("schedule", Description)
    {
        ScheduleAddCommand.Create(),
        ScheduleListCommand.Create(),
        ScheduleRemoveCommand.Create(),
        ScheduleRunNowCommand.Create(),
    };

    /// <summary>The <c>--name</c> option every subcommand takes.</summary>
    public static Option<string> NameOption() => new("--name") { Description = "The schedule's name (prefix of its job ids)", Required = true };
}
