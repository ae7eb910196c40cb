using Cronos;
using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Schedules;

/// <summary>
/// The checks a schedule must pass before it is stored, each worded as what to fix: its name, its cron expression, its
/// time zone, and its template rendered for the next tick. Pure apart from the clock the caller passes.
/// </summary>
public static class ScheduleChecks
{
    public const string CronExamples =
        "use 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 2 * * *\" for 02:00 every day, " +
        "or 6 with seconds first, e.g. \"*/30 * * * * *\" for every 30 seconds";

    /// <summary>The errors of <paramref name="spec"/> (none: <paramref name="compiled"/> is set).</summary>
    public static IReadOnlyList<string> Validate(ScheduleSpec spec, string key, DateTimeOffset now, out CompiledSchedule? compiled)
    {
        compiled = null;
        var errors = new List<string>();
        bool nameOk = spec.Name.Length <= ScheduleTemplate.MaxNameLength && JobSpecChecks.IsValidJobId(spec.Name);
        if (!nameOk)
            errors.Add($"--name '{spec.Name}' is not valid: use 1-{ScheduleTemplate.MaxNameLength} letters, digits, '.', '_' or '-', starting with a " +
                       $"letter or digit (it prefixes every job id the schedule submits, '<name>-{ScheduleTemplate.TickFormat}').");
        else if (spec.Name != key)
            errors.Add($"the schedule is named '{spec.Name}' but was sent to schedule '{key}'.");

        var cron = ParseCron(spec.Cron, errors);
        var zone = FindZone(spec.TimeZone, errors);
        if (cron is null || zone is null) return ValidateTemplate(spec, nameOk ? spec.Name : "schedule", now, errors);

        var candidate = new CompiledSchedule(cron, zone);
        var next = candidate.NextAfter(now);
        if (next is null)
        {
            errors.Add($"--cron '{spec.Cron}' never fires after {now:u}: {CronExamples}.");
            return ValidateTemplate(spec, nameOk ? spec.Name : "schedule", now, errors);
        }
        ValidateTemplate(spec, nameOk ? spec.Name : "schedule", next.Value, errors);
        if (errors.Count == 0) compiled = candidate;
        return errors;
    }

    /// <summary>The compiled form of a spec that passed <see cref="Validate"/> (a stored one).</summary>
    public static CompiledSchedule Compile(ScheduleSpec spec)
    {
        var errors = new List<string>();
        var cron = ParseCron(spec.Cron, errors);
        var zone = FindZone(spec.TimeZone, errors);
        return cron is not null && zone is not null ? new CompiledSchedule(cron, zone)
            : throw new InvalidOperationException($"schedule '{spec.Name}' no longer compiles: {string.Join(" ", errors)}");
    }

    private static CronExpression? ParseCron(string? text, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"--cron is required: {CronExamples}.");
            return null;
        }
        var trimmed = text.Trim();
        int fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (!trimmed.StartsWith('@') && fields is not (5 or 6))
        {
            errors.Add($"--cron '{text}' has {fields} field{(fields == 1 ? "" : "s")}: {CronExamples}.");
            return null;
        }
        try
        {
            return CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            errors.Add($"--cron '{text}' is not a cron expression ({e.Message.TrimEnd('.')}): {CronExamples}.");
            return null;
        }
    }

    private static TimeZoneInfo? FindZone(string? id, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(id) || string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"--time-zone '{id}' is not a known time zone: use an IANA id such as UTC, Europe/Berlin or America/New_York.");
            return null;
        }
    }

    private static List<string> ValidateTemplate(ScheduleSpec spec, string name, DateTimeOffset tick, List<string> errors)
    {
        if (spec.Template is null)
        {
            errors.Add("a job template is required (the job command after '--').");
            return errors;
        }
        foreach (var unknown in ScheduleTemplate.UnknownPlaceholders(spec.Template.Output ?? ""))
            errors.Add($"job template: --output holds {unknown}, which is not a placeholder: use {string.Join(", ", ScheduleTemplate.Placeholders)}.");
        var rendered = ScheduleTemplate.Render(spec.Template, name, tick);
        foreach (var error in rendered.Validate(ScheduleTemplate.JobId(name, tick)))
            errors.Add($"job template ({spec.Template.Kind}): {error}");
        return errors;
    }
}
