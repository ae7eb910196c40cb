using Azure.Storage.Blobs;
using Pipeline.Storage.Tests.Azurite;
using Polly.Registry;

namespace Pipeline.Storage.Tests.Blob;

/// <summary>The store contract against Azurite, through the production pipelines and client options.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobObjectStoreTests(AzuriteFixture azurite) : ObjectStoreContractTests
{
    private static readonly ResiliencePipelineProvider<string> Pipelines = TestPipelines.Create(new StorageOptions());

    private readonly string container = AzuriteFixture.NewContainerName();

    protected override IObjectStore CreateStore() =>
        Open(new StorageLocation(StorageKind.AzureBlob, container, $"runs/{Guid.NewGuid():N}", null, null));

    protected override IObjectStore Open(StorageLocation location) =>
        new BlobObjectStore(azurite.Client.GetBlobContainerClient(location.Container), location, Pipelines);

    [Fact]
    public async Task Writes_CreateAMissingContainer()
    {
        var store = CreateStore();
        Assert.False((await azurite.Client.GetBlobContainerClient(container).ExistsAsync()).Value, "the test container should not exist yet");

        await store.WriteAsync("x.txt", "x"u8.ToArray());

        Assert.True((await azurite.Client.GetBlobContainerClient(container).ExistsAsync()).Value, "the write should have created the container");
    }

    [Fact]
    public async Task Keys_AreBlobNamesUnderThePrefix()
    {
        var store = CreateStore();

        await store.WriteAsync("metadata/metadata_00000.parquet", new byte[] { 1, 2, 3 });

        var blob = azurite.Client.GetBlobContainerClient(container).GetBlobClient($"{store.Location.Prefix}/metadata/metadata_00000.parquet");
        Assert.Equal(3, (await blob.GetPropertiesAsync()).Value.ContentLength);
    }

    [Fact]
    public async Task AStoreOnTheContainerRoot_UsesKeysAsBlobNames()
    {
        var store = Open(new StorageLocation(StorageKind.AzureBlob, container, "", null, null));

        await store.WriteAsync("top.txt", "t"u8.ToArray());

        Assert.Equal([new ObjectEntry("top.txt", 1)], await ListAsync(store));
        Assert.True((await azurite.Client.GetBlobContainerClient(container).GetBlobClient("top.txt").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Listing_FollowsContinuationTokens_AcrossPages()
    {
        var location = new StorageLocation(StorageKind.AzureBlob, container, $"paged/{Guid.NewGuid():N}", null, null);
        var store = new BlobObjectStore(azurite.Client.GetBlobContainerClient(container), location, Pipelines) { PageSize = 7 };
        var keys = Enumerable.Range(0, 30).Select(i => $"k/{i:D3}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) => await store.WriteAsync(k, new byte[] { 1 }, ct));

        Assert.Equal(keys, (await ListAsync(store)).Select(e => e.Key));
        Assert.Equal(keys[10..], (await ListAsync(store, "k/01")).Concat(await ListAsync(store, "k/02")).Select(e => e.Key));
    }
}
