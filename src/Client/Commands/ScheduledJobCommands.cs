using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// The job commands a schedule can take as its template (<c>schedule add ... -- embed ...</c>): each command name maps
/// to the factory of its own <see cref="Command"/> (so the template parses with exactly that command's options and
/// errors) and to the code that turns its parse into a spec. A new kind adds one line here.
/// </summary>
public static class ScheduledJobCommands
{
    /// <summary>One job command: its parser and its spec builder.</summary>
    public sealed record Entry(Func<Command> Create, Func<ParseResult, JobSpec> SpecFrom);

    public static IReadOnlyDictionary<string, Entry> All { get; } = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        ["embed"] = new(EmbedCommand.Create, EmbedCommand.SpecFrom),
        ["index"] = new(IndexCommand.Create, IndexCommand.SpecFrom),
        ["generate"] = new(GenerateCommand.Create, GenerateCommand.SpecFrom),
    };

    /// <summary>Options of the job commands that make no sense in a template (the schedule names and follows its jobs).</summary>
    public static IReadOnlyList<string> Refused { get; } = ["--job-id", "--no-wait", "--json"];

    /// <summary>
    /// Parses <paramref name="tokens"/> (a job command line, as after <c>--</c>) with the command's own parser; returns
    /// the spec, or null with <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static JobSpec? Parse(IReadOnlyList<string> tokens, out string? error)
    {
        error = null;
        if (tokens.Count == 0 || !All.TryGetValue(tokens[0], out var entry))
        {
            error = tokens.Count == 0
                ? $"give the job to schedule after '--', e.g. -- embed --input az://corpus/photos --model <model> --output az://out/nightly-{{date}}; one of: {string.Join(", ", All.Keys)}."
                : $"'{tokens[0]}' is not a job command a schedule can run: use one of {string.Join(", ", All.Keys)}.";
            return null;
        }
        if (tokens.Skip(1).FirstOrDefault(t => Refused.Contains(t.Split('=')[0])) is { } refused)
        {
            error = $"{refused} has no place in a scheduled job: each tick's job id is <name>-<tick> and the schedule submits without waiting.";
            return null;
        }
        var root = new RootCommand { entry.Create() };
        var parse = root.Parse(tokens.ToArray());
        if (parse.Errors.Count > 0)
        {
            error = $"{tokens[0]}: {string.Join(" ", parse.Errors.Select(e => e.Message))}";
            return null;
        }
        try
        {
            return entry.SpecFrom(parse);
        }
        catch (ArgumentException e)
        {
            error = $"{tokens[0]}: {e.Message}";
            return null;
        }
    }
}
