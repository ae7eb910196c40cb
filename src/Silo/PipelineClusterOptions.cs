using System.ComponentModel.DataAnnotations;

namespace Pipeline.Silo;

/// <summary>How silos find each other and keep grain state. Section "Pipeline:Cluster".</summary>
public sealed class PipelineClusterOptions
{
    public const string Section = "Pipeline:Cluster";

    /// <summary>Where <see cref="Orleans.Configuration.ClusterMembershipOptions"/> are bound from (Orleans defaults otherwise).</summary>
    public const string MembershipSection = Section + ":Membership";

    /// <summary>
    /// <c>Embedded</c> (default): the CLI hosts one silo in-process, state in memory. <c>Localhost</c>: one silo process
    /// on this machine, clients connect to its gateway. <c>AzureTable</c>: a real cluster, membership and reminders in
    /// Azure Table storage and grain state in Azure Blob storage, all under <see cref="ConnectionString"/>.
    /// </summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    /// <summary>Azure Storage connection string for <see cref="ClusterMode.AzureTable"/> (Azurite works).</summary>
    public string? ConnectionString { get; set; }

    [Required, RegularExpression("^[A-Za-z0-9-]{1,63}$")]
    public string ClusterId { get; set; } = "pipeline";

    [Required, RegularExpression("^[A-Za-z0-9-]{1,63}$")]
    public string ServiceId { get; set; } = "pipeline";

    /// <summary>Silo-to-silo port. Embedded mode picks its own.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port; 0 = no gateway (embedded mode never opens one).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The IP address a silo listens on and advertises to the cluster (AzureTable mode; Localhost and Embedded always use
    /// 127.0.0.1). Set it to the host's address for a multi-machine cluster.
    /// </summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Use Orleans' Kubernetes hosting (AzureTable mode): the silo advertises POD_IP and listens on every interface of
    /// the pod (<see cref="AdvertisedAddress"/> is ignored); ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID, when set, override
    /// <see cref="ClusterId"/> and <see cref="ServiceId"/>; POD_NAME names the silo, POD_NAMESPACE scopes the pods it
    /// watches through the Kubernetes API (the pod's service account needs rights to get/list/watch pods, and to
    /// delete them when Orleans' defunct-pod deletion is on).
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>Start attempts when a port is taken (AddressInUse) between the check and the bind.</summary>
    [Range(1, 20)]
    public int BindAttempts { get; set; } = 5;
}
