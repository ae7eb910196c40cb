namespace Pipeline.Silo;

/// <summary>Cluster topologies Pipeline supports.</summary>
public enum ClusterMode
{
    Embedded,
    Localhost,
    AzureTable,
}
