namespace Pipeline.Grains.Jobs;

/// <summary>Keys of the job queue grain.</summary>
public static class JobQueueKeys
{
    public const string Default = "default";
}
