using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Contracts.Schedules;

/// <summary>
/// How a schedule turns its template into the job of one tick: the job id <c>&lt;name&gt;-&lt;tick&gt;</c> (the same
/// for every attempt at that tick, so a tick handled twice resumes one job) and the output with its placeholders
/// rendered: <c>{date}</c> (yyyy-MM-dd), <c>{time}</c> (HHmm), <c>{tick}</c> (yyyyMMddTHHmmss), all of the tick in the
/// schedule's time zone, and <c>{schedule}</c> (the name). Pure, so the CLI and the grain render alike.
/// </summary>
public static partial class ScheduleTemplate
{
    public const string TickFormat = "yyyyMMddTHHmmss";

    /// <summary>The run-now suffix: UTC to the millisecond, so two runs never share an id.</summary>
    public const string ManualFormat = "yyyyMMddTHHmmssfff";

    /// <summary>Job ids have at most 64 characters; <c>&lt;name&gt;-manual-&lt;utc&gt;</c> needs 26 of them.</summary>
    public const int MaxNameLength = 64 - 8 - 18;

    public static readonly IReadOnlyList<string> Placeholders = ["{date}", "{time}", "{tick}", "{schedule}"];

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>The job id of the tick at <paramref name="tick"/> (a time in the schedule's zone).</summary>
    public static string JobId(string name, DateTimeOffset tick) => $"{name}-{tick.ToString(TickFormat, CultureInfo.InvariantCulture)}";

    /// <summary>The job id of a run-now at <paramref name="utcNow"/>.</summary>
    public static string ManualJobId(string name, DateTimeOffset utcNow) =>
        $"{name}-manual-{utcNow.UtcDateTime.ToString(ManualFormat, CultureInfo.InvariantCulture)}";

    /// <summary>The template with its output rendered for <paramref name="tick"/> (a time in the schedule's zone).</summary>
    public static JobSpec Render(JobSpec template, string name, DateTimeOffset tick) => template with { Output = RenderText(template.Output, name, tick) };

    public static string RenderText(string text, string name, DateTimeOffset tick) => text
        .Replace("{date}", tick.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{time}", tick.ToString("HHmm", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{tick}", tick.ToString(TickFormat, CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{schedule}", name, StringComparison.Ordinal);

    /// <summary>Brace-delimited words in <paramref name="text"/> that are none of <see cref="Placeholders"/> (a typo would land literally in a path).</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).Where(p => !Placeholders.Contains(p)).Distinct().ToList();
}
