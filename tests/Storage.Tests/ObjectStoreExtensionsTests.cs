namespace Pipeline.Storage.Tests;

public sealed class ObjectStoreExtensionsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"store-ext-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task AMissingObjectReadsAsNullAndAPresentOneAsItsBytes()
    {
        var store = new LocalObjectStore(StorageLocation.ForLocalFolder(root));
        Assert.Null(await store.ReadAllBytesIfPresentAsync("nested/missing.json"));
        await store.WriteAsync("nested/there.json", new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadAllBytesIfPresentAsync("nested/there.json"));
    }
}
