using Pipeline.Contracts.Jobs;

namespace Pipeline.Grains.Jobs;

/// <summary>
/// What a job grain persists: only what cannot be rebuilt from the plan and the commit markers in storage (the spec
/// and job-level transitions), plus a periodic checkpoint of totals. Nothing here grows with each lease: leases are
/// soft state, and a reactivated grain rebuilds its task table from storage.
/// </summary>
[GenerateSerializer, Alias("pipeline.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(4)] public string? Error { get; set; }

    /// <summary>Planning (or a retry's planning) has listed everything; <see cref="PlannedTasks"/> is final.</summary>
    [Id(5)] public bool PlanningDone { get; set; }
    [Id(6)] public int PlannedTasks { get; set; }
    [Id(7)] public long PlannedItems { get; set; }

    /// <summary>
    /// Totals as of the last checkpoint, for the tasks it records as done: all below <see cref="CheckpointDoneBelow"/>
    /// and those set in <see cref="CheckpointDone"/> (bit i = task CheckpointDoneBelow + i).
    /// </summary>
    [Id(20)] public int CheckpointDoneBelow { get; set; }

    [Id(8)] public byte[] CheckpointDone { get; set; } = [];
    [Id(9)] public long CheckpointRows { get; set; }
    [Id(10)] public long CheckpointFailures { get; set; }
    [Id(11)] public long Retries { get; set; }

    /// <summary>How many times <c>pipeline retry</c> ran; a retry in progress re-plans from the manifest it read.</summary>
    [Id(12)] public int RetryGeneration { get; set; }

    /// <summary>Tasks whose failure records a retry re-planned into new tasks (they no longer count as failures).</summary>
    [Id(13)] public byte[] Superseded { get; set; } = [];

    /// <summary>Task count before the running retry's new tasks (the retry planner numbers from here).</summary>
    [Id(14)] public int RetryFirstTask { get; set; }

    /// <summary>Task totals as of the last checkpoint: what status shows of a job whose table is not rebuilt (it ended).</summary>
    [Id(16)] public int CheckpointDoneTasks { get; set; }
    [Id(17)] public int CheckpointFailedTasks { get; set; }
    [Id(18)] public long CheckpointFailedTaskItems { get; set; }
    [Id(19)] public long CheckpointItems { get; set; }

    /// <summary>The tasks whose failure records the running (or last) retry re-plans.</summary>
    [Id(15)] public byte[] RetryPlanned { get; set; } = [];
}
