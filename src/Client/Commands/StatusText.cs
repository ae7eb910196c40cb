using System.Globalization;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>How job status reads on the console: one progress line, the live bar's caption, and the summary.</summary>
public static class StatusText
{
    /// <summary>What a job's items are called: images for embed jobs.</summary>
    public static string Items(JobStatus s) => s.Kind is null or "embed" ? "images" : "items";

    /// <summary>One line per change while waiting with redirected output: <c>[job] Running: tasks 3/10 done, ...</c>.</summary>
    public static string Progress(JobStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"[{s.JobId}] {s.State}: tasks {s.CompletedTasks}/{Total(s)} done, {s.RunningTasks} running, {s.FailedTasks} failed; " +
        $"{Items(s)} {s.DoneItems + s.FailedItems}/{TotalItems(s)} ({s.FailedItems} failed), {s.ItemsPerSecond:F1} {Items(s)}/s{Eta(s)}");

    /// <summary>The live bar's caption (plain text; escape it before it goes into markup).</summary>
    public static string Caption(JobStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.JobId} {(Settled(s) ? s.State.ToString() : "planning...")}  tasks {s.CompletedTasks}/{Total(s)} " +
        $"({s.RunningTasks} running, {s.FailedTasks} failed)  {s.ItemsPerSecond:F1} {(Items(s) == "images" ? "img" : "items")}/s{Eta(s)}");

    public static string Summary(JobStatus s)
    {
        var lines = new List<string>
        {
            $"job:       {s.JobId}{(s.Kind is null ? "" : $" ({s.Kind}, priority {s.Priority})")}",
            $"state:     {s.State}{(Settled(s) ? "" : " (planning)")}",
            $"tasks:     {s.CompletedTasks} committed, {s.FailedTasks} failed, {s.RunningTasks} running, {Total(s)} in all",
            string.Create(CultureInfo.InvariantCulture,
                $"{Items(s) + ":",-10} {s.DoneItems} {(Items(s) == "images" ? "embedded" : "done")}, {s.FailedItems} failed, {TotalItems(s)} in all"),
            string.Create(CultureInfo.InvariantCulture, $"speed:     {s.ItemsPerSecond:F1} {Items(s)}/s{Eta(s)}"),
        };
        if (s.Retries > 0) lines.Add($"retries:   {s.Retries} attempts handed out again");
        if (s.SubmittedAt is { } submitted) lines.Add($"submitted: {submitted.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        if (s.FinishedAt is { } finished) lines.Add($"finished:  {finished.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        if (s.Output is not null) lines.Add($"output:    {s.Output}");
        if (s.Error is not null) lines.Add($"error:     {s.Error}");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>A duration as <c>42s</c>, <c>3m05s</c> or <c>1h02m</c>.</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Ceiling(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s"
            : $"{t.Seconds}s";
    }

    // While planning, the totals are what was planned so far: '+' says more may come.
    private static string Total(JobStatus s) => Settled(s) ? $"{s.TotalTasks}" : $"{s.TotalTasks}+";

    private static string TotalItems(JobStatus s) => Settled(s) ? $"{s.TotalItems}" : $"{s.TotalItems}+";

    /// <summary>Whether the totals are final: planning ended (or the job did, or there is none).</summary>
    public static bool Settled(JobStatus s) => s.PlanningDone || s.IsFinal || s.State == JobState.Unknown;

    private static string Eta(JobStatus s) => s.EtaSeconds is { } eta ? $", ETA {Duration(eta)}" : "";
}
