using Polly.Registry;

namespace Pipeline.Storage;

/// <summary>
/// Opens <see cref="LocalObjectStore"/>s for folders and <see cref="BlobObjectStore"/>s for blob locations, with the
/// account client from <see cref="BlobServiceClients"/> and the registered resilience pipelines.
/// </summary>
public sealed class ObjectStoreFactory(BlobServiceClients clients, ResiliencePipelineProvider<string> pipelines) : IObjectStoreFactory
{
    /// <inheritdoc />
    public IObjectStore Open(StorageLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Kind == StorageKind.Local)
        {
            return new LocalObjectStore(location);
        }

        var container = clients.ForAccount(location.AccountUri).GetBlobContainerClient(location.Container);
        return new BlobObjectStore(container, location, pipelines);
    }
}
