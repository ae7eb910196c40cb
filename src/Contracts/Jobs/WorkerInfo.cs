namespace Pipeline.Contracts.Jobs;

/// <summary>Who asks for a lease: its id, the silo it runs on (so its leases return when that silo dies) and its device.</summary>
[GenerateSerializer, Immutable, Alias("pipeline.WorkerInfo")]
public sealed record WorkerInfo
{
    [Id(0)] public required string WorkerId { get; init; }
    [Id(1)] public SiloAddress? Silo { get; init; }

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    [Id(2)] public string DeviceKind { get; init; } = "cpu";

    /// <summary>The CUDA device index of a GPU worker.</summary>
    [Id(3)] public int? DeviceIndex { get; init; }
}
