using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage;

/// <summary>
/// Storage faults for tests and game days, section <c>Pipeline:Storage:Chaos</c>; off unless a rate is above zero.
/// Polly chaos strategies then sit innermost in the <c>blob-read</c> and <c>blob-write</c> pipelines, after the attempt
/// timeout, so each attempt fails or stalls the way a struggling service would and the pipeline's retry handles it.
/// Keep <see cref="FaultRate"/> (plus <see cref="StallRate"/> when <see cref="Stall"/> exceeds the attempt timeout) well
/// below the circuit breaker's failure ratio of 0.5.
/// </summary>
public sealed class StorageChaosOptions : IValidatableObject
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Pipeline:Storage:Chaos";

    /// <summary>Share of attempts (0..1) that fail at once with a transient error (a 503 answer or a reset connection).</summary>
    [Range(0.0, 1.0)]
    public double FaultRate { get; set; }

    /// <summary>Share of attempts (0..1) that first wait <see cref="Stall"/>.</summary>
    [Range(0.0, 1.0)]
    public double StallRate { get; set; }

    /// <summary>How long a stalled attempt waits before it runs (or until the attempt timeout cancels it).</summary>
    public TimeSpan Stall { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed of the injection decisions, for a reproducible sequence of faults; random when null.</summary>
    public int? Seed { get; set; }

    /// <summary>Whether any chaos is injected.</summary>
    public bool IsActive => FaultRate > 0 || StallRate > 0;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Stall < TimeSpan.Zero || Stall > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Stall)} must be between 00:00:00 and 01:00:00 (got {Stall}).", [nameof(Stall)]);
        }
    }
}
