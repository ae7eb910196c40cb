using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Jobs;

/// <summary>The result of planning: shard sizes, or why the spec was refused, or the manifest of a job already done.</summary>
public sealed record JobPlan(string? Error, IReadOnlyList<int> ShardSizes, long Images, JobManifest? Completed = null)
{
    public static JobPlan Refused(string error) => new(error, [], 0);
}
