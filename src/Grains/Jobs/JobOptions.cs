using System.ComponentModel.DataAnnotations;

namespace Pipeline.Grains.Jobs;

/// <summary>Leasing, checkpoint and planning settings of job grains. Section "Pipeline:Jobs".</summary>
public sealed class JobOptions
{
    public const string Section = "Pipeline:Jobs";

    /// <summary>How long a task lease lasts without a heartbeat; workers renew at a third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a job grain returns expired leases and the leases of dead silos to the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ReclaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a job grain persists its totals (never per lease).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Plan files written at once while planning.</summary>
    [Range(1, 256)]
    public int PlanWriteConcurrency { get; set; } = 16;

    /// <summary>Markers read at once when a job grain recovers or finalises.</summary>
    [Range(1, 256)]
    public int MarkerReadConcurrency { get; set; } = 32;
}
