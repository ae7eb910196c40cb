using Pipeline.Storage.Tests.Azurite;
using Polly.Registry;

namespace Pipeline.Storage.Tests.Blob;

/// <summary>
/// The store contract against Azurite with server-side copies off: the download + upload fallback that
/// <see cref="BlobObjectStore.CopyAsync"/> uses when the service refuses a server-side copy must meet the same contract.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobObjectStoreDownloadCopyTests(AzuriteFixture azurite) : ObjectStoreContractTests
{
    private static readonly ResiliencePipelineProvider<string> Pipelines = TestPipelines.Create(new StorageOptions());

    private readonly string container = AzuriteFixture.NewContainerName();

    protected override IObjectStore CreateStore() =>
        Open(new StorageLocation(StorageKind.AzureBlob, container, $"fallback/{Guid.NewGuid():N}", null, null));

    protected override IObjectStore Open(StorageLocation location) =>
        new BlobObjectStore(azurite.Client.GetBlobContainerClient(location.Container), location, Pipelines) { ServerSideCopy = false };
}
