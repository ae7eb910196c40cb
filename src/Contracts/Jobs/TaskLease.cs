namespace Pipeline.Contracts.Jobs;

/// <summary>A task handed to one worker until <see cref="ExpiresAt"/>, renewed by heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.TaskLease")]
public sealed record TaskLease
{
    [Id(0)] public required string JobId { get; init; }

    /// <summary>The task's number; its outputs are named by it, zero-padded (<c>img_emb_00042.npy</c>).</summary>
    [Id(1)] public required int Task { get; init; }
    [Id(2)] public required Guid LeaseId { get; init; }
    [Id(3)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(4)] public required JobSpec Spec { get; init; }

    /// <summary>1 for the first attempt of the task (as far as the current job grain activation knows).</summary>
    [Id(5)] public int Attempt { get; init; }
}
