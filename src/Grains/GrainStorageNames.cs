namespace Pipeline.Grains;

/// <summary>Names of the grain storage providers the silo must register.</summary>
public static class GrainStorageNames
{
    /// <summary>Job and queue state: memory in embedded mode, Azure storage in a cluster.</summary>
    public const string Jobs = "jobs";
}
