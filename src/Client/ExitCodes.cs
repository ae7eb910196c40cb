using Pipeline.Contracts.Jobs;

namespace Pipeline.Client;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Succeeded = 0;

    /// <summary>The job failed or was cancelled, the command was refused, or the environment is not ready (the message says what to fix).</summary>
    public const int FailedOrRefused = 1;

    /// <summary>The job finished, but some samples or tasks failed (their records are in <c>failures/</c>).</summary>
    public const int CompletedWithErrors = 2;

    public static int For(JobState state) => state switch
    {
        JobState.Succeeded => Succeeded,
        JobState.CompletedWithErrors => CompletedWithErrors,
        _ => FailedOrRefused,
    };
}
