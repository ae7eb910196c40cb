namespace Pipeline.Contracts.Jobs;

/// <summary>Life cycle of a job. The last four are final.</summary>
[GenerateSerializer]
public enum JobState
{
    /// <summary>No job with this id was submitted.</summary>
    Unknown,

    /// <summary>Admitted; the input is being listed into tasks (workers may already run the first ones).</summary>
    Planning,

    /// <summary>Planned; tasks are waiting for or held by workers.</summary>
    Running,

    Succeeded,

    /// <summary>Finished, but some samples or tasks failed (their records are in <c>failures/</c>).</summary>
    CompletedWithErrors,

    /// <summary>The job could not run at all.</summary>
    Failed,

    /// <summary>Stopped by <c>pipeline cancel</c>; committed output stays, resubmitting the id continues it.</summary>
    Cancelled,
}
