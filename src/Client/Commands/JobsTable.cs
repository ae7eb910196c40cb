using System.Globalization;
using Pipeline.Contracts.Jobs;
using Spectre.Console;

namespace Pipeline.Client.Commands;

/// <summary>
/// The table <c>pipeline jobs</c> draws: id, kind, state, priority, tasks done/total (<c>+</c> while planning), items
/// done/total (failed), images/s of running jobs, submitted. Narrow enough for 80 columns; scripts use <c>--json</c>.
/// </summary>
public static class JobsTable
{
    public static void Write(IEnumerable<JobStatus> statuses)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("id").AddColumn("kind").AddColumn("state").AddColumn(new TableColumn("prio").RightAligned())
            .AddColumn(new TableColumn("tasks").RightAligned()).AddColumn(new TableColumn("items (failed)").RightAligned())
            .AddColumn(new TableColumn("img/s").RightAligned()).AddColumn(new TableColumn("submitted").NoWrap());
        foreach (var s in statuses)
        {
            table.AddRow(
                Markup.Escape(s.JobId),
                Markup.Escape(s.Kind ?? "?"),
                $"[{Colour(s.State)}]{s.State}[/]",
                s.Priority.ToString(CultureInfo.InvariantCulture),
                $"{s.CompletedTasks}/{s.TotalTasks}{(StatusText.Settled(s) ? "" : "+")}",
                string.Create(CultureInfo.InvariantCulture, $"{s.DoneItems}/{s.TotalItems} ({s.FailedItems})"),
                s.IsFinal ? "" : s.ItemsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                s.SubmittedAt?.ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "");
        }
        AnsiConsole.Write(table);
    }

    private static string Colour(JobState state) => state switch
    {
        JobState.Succeeded => "green",
        JobState.CompletedWithErrors => "yellow",
        JobState.Failed => "red",
        JobState.Cancelled => "grey",
        _ => "blue",
    };
}
