using Pipeline.Contracts.Jobs;

namespace Pipeline.Client;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Succeeded = 0;
    public const int FailedOrRefused = 1;
    public const int CompletedWithErrors = 2;

    public static int For(JobState state) => state switch
    {
        JobState.Succeeded => Succeeded,
        JobState.CompletedWithErrors => CompletedWithErrors,
        _ => FailedOrRefused,
    };
}
