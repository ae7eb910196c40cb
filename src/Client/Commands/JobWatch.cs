using Spectre.Console;
using Pipeline.Contracts.Jobs;

namespace Pipeline.Client.Commands;

/// <summary>
/// Follows a job to its end, drawn as a live progress bar in a terminal, or as plain lines (one per change) when stdout
/// is redirected or carries <c>--json</c> (the lines then go to stderr, so stdout holds the JSON alone).
/// </summary>
public static class JobWatch
{
    public static Task<JobStatus> FollowAsync(Func<CancellationToken, Task<JobStatus>> poll, TimeSpan interval, bool json,
        CancellationToken cancellationToken)
    {
        if (!json && IsInteractive) return LiveProgress.FollowAsync(poll, interval, cancellationToken);
        return PlainProgress.FollowAsync(poll, interval, json ? Console.Error : Console.Out, cancellationToken);
    }

    /// <summary>A terminal that can redraw a bar in place.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
