using System.Globalization;
using Pipeline.Contracts.Schedules;
using Spectre.Console;

namespace Pipeline.Client.Schedules;

/// <summary>
/// The table <c>schedule list</c> draws: name, cron, zone, next tick, last job, missed ticks (with the latest). Times
/// are wall times in each schedule's own zone, short enough for 80 columns; scripts use <c>--json</c> (full offsets,
/// the job kind, the template's output, the recent jobs).
/// </summary>
public static class ScheduleTable
{
    public static void Write(IEnumerable<ScheduleInfo> schedules)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("name").NoWrap()).AddColumn("cron").AddColumn("zone").AddColumn(new TableColumn("next tick").NoWrap())
            .AddColumn("last job").AddColumn(new TableColumn("missed").RightAligned());
        foreach (var s in schedules)
        {
            var last = s.LastJobId is null ? "" : Markup.Escape(s.LastJobId) + (s.LastError is null ? "" : " [red](refused)[/]");
            var missed = s.MissedTicks == 0 ? "0"
                : string.Create(CultureInfo.InvariantCulture, $"[yellow]{s.MissedTicks}[/] (last {Short(s.RecentMissed.LastOrDefault())})");
            table.AddRow(Markup.Escape(s.Spec.Name), Markup.Escape(s.Spec.Cron), Markup.Escape(s.Spec.TimeZone), s.NextTick is null ? "never" : Short(s.NextTick.Value),
                last, missed);
        }
        AnsiConsole.Write(table);
    }

    /// <summary>A tick in the table: its wall time in the schedule's zone (the zone column names it).</summary>
    private static string Short(DateTimeOffset tick) => tick.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A tick as the CLI prints it elsewhere: its wall time and offset, or "never".</summary>
    public static string Time(DateTimeOffset? tick) => tick?.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) ?? "never";
}
