namespace Pipeline.Storage;

/// <summary>Where a <see cref="StorageLocation"/> lives.</summary>
public enum StorageKind
{
    /// <summary>A folder on a local (or mounted) file system.</summary>
    Local,

    /// <summary>A container and prefix in Azure Blob Storage (or Azurite).</summary>
    AzureBlob,
}
