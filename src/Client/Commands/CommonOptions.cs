using System.CommandLine;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>Arguments and options several commands share (each command holds its own instances).</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON (snake_case) on stdout, for scripts; progress goes to stderr" };

    public static Argument<string> Job() => new("job") { Description = "The job id" };

    /// <summary>Null when <paramref name="jobId"/> is a valid job id; otherwise the refusal to print.</summary>
    public static string? RefuseJobId(string jobId) => JobSpecChecks.IsValidJobId(jobId)
        ? null
        : $"refused: '{jobId}' is not a job id: job ids are 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.";
}
