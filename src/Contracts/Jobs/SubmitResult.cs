namespace Pipeline.Contracts.Jobs;

/// <summary>Answer to a submit: accepted (with the job's status) or refused with a message that says what to fix.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.SubmitResult")]
public sealed record SubmitResult
{
    [Id(0)] public bool Accepted { get; init; }
    [Id(1)] public string? Error { get; init; }
    [Id(2)] public required JobStatus Status { get; init; }

    public static SubmitResult Refused(string jobId, string error) =>
        new() { Accepted = false, Error = error, Status = new JobStatus { JobId = jobId, State = JobState.Unknown, Error = error } };
}
