using System.ComponentModel.DataAnnotations;

namespace Pipeline.Silo;

/// <summary>How silos find each other and keep grain state. Section "Pipeline:Cluster".</summary>
public sealed class PipelineClusterOptions
{
    public const string Section = "Pipeline:Cluster";

    /// <summary>
    /// <c>Embedded</c> (default): the CLI hosts one silo in-process, state in memory. <c>Localhost</c>: one silo process
    /// on this machine, clients connect to its gateway. <c>AzureTable</c>: a real cluster, membership in Azure Table
    /// storage and grain state in Azure Blob storage, both under <see cref="ConnectionString"/>.
    /// </summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    /// <summary>Azure Storage connection string for <see cref="ClusterMode.AzureTable"/> (Azurite works).</summary>
    public string? ConnectionString { get; set; }

    [Required, RegularExpression("^[A-Za-z0-9-]{1,63}$")]
    public string ClusterId { get; set; } = "pipeline";

    [Required, RegularExpression("^[A-Za-z0-9-]{1,63}$")]
    public string ServiceId { get; set; } = "pipeline";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Embed worker slots on each silo (one per GPU, or CPU slots).</summary>
    [Range(0, 64)]
    public int WorkerSlots { get; set; } = 1;
}

/// <summary>Cluster topologies Pipeline supports.</summary>
public enum ClusterMode
{
    Embedded,
    Localhost,
    AzureTable,
}
