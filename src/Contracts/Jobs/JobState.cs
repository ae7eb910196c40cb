namespace Pipeline.Contracts.Jobs;

/// <summary>Life cycle of a job. The last three are final.</summary>
[GenerateSerializer]
public enum JobState
{
    /// <summary>No job with this id was submitted.</summary>
    Unknown,

    /// <summary>Planned; shards are waiting for or held by workers.</summary>
    Running,

    Succeeded,

    /// <summary>Finished, but some samples or shards failed (their records are in <c>failures/</c>).</summary>
    CompletedWithErrors,

    /// <summary>The job could not run at all.</summary>
    Failed,
}
