using Pipeline.Storage.Tests.Azurite;
using Polly.Registry;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>The commit protocol on Azurite, through the production pipelines.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobShardCommitTests(AzuriteFixture azurite) : ShardCommitContractTests
{
    private static readonly ResiliencePipelineProvider<string> Pipelines = TestPipelines.Create(new StorageOptions());

    private readonly string container = AzuriteFixture.NewContainerName();

    protected override IObjectStore CreateStore()
    {
        var location = new StorageLocation(StorageKind.AzureBlob, container, $"jobs/{Guid.NewGuid():N}", null, null);
        return new BlobObjectStore(azurite.Client.GetBlobContainerClient(container), location, Pipelines);
    }
}
