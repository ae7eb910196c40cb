namespace Pipeline.Contracts.Jobs;

/// <summary>
/// What every job kind shares: where its outputs go, its place among other jobs, and how often a task may fail. A
/// kind (embed, index, generate) derives its own spec from this and adds its own inputs and checks; the machinery
/// (submit, planning, leases, commit markers, finalisation, status, cancel, retry) knows kinds only through it.
/// </summary>
[GenerateSerializer, Immutable, Alias("pipeline.JobSpec")]
public abstract record JobSpec
{
    /// <summary>Where the outputs go (DESIGN.md layout): a local folder, <c>az://container/prefix</c> or a blob URL.</summary>
    [Id(0)] public required string Output { get; init; }

    /// <summary>Higher runs first; jobs of equal priority run in submission order.</summary>
    [Id(1)] public int Priority { get; init; }

    /// <summary>A task that failed this many times is marked failed with its last error.</summary>
    [Id(2)] public int MaxTaskAttempts { get; init; } = 3;

    /// <summary>The kind's name as the CLI and <c>job.json</c> spell it (<c>embed</c>, ...).</summary>
    public abstract string Kind { get; }

    /// <summary>The device kind a worker must have to run this job's tasks: <c>cpu</c> or <c>cuda</c>.</summary>
    public virtual string Device => "cpu";

    /// <summary>
    /// The checks a spec must pass before it is accepted, each worded as what to fix. Pure, so the CLI runs them before
    /// it connects and the job grain runs them again (it trusts no caller). Checks that need storage or a model registry
    /// belong to the kind's admission on the silo.
    /// </summary>
    public virtual IReadOnlyList<string> Validate(string jobId)
    {
        var errors = new List<string>();
        if (!JobSpecChecks.IsValidJobId(jobId))
            errors.Add($"--job-id '{jobId}' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(Output))
            errors.Add("--output is required: a local folder, az://<container>/<prefix> or a blob URL.");
        if (MaxTaskAttempts is < 1 or > 100)
            errors.Add($"max task attempts {MaxTaskAttempts} is out of range: use 1 to 100.");
        if (Priority is < -1000 or > 1000)
            errors.Add($"--priority {Priority} is out of range: use -1000 to 1000.");
        return errors;
    }
}
