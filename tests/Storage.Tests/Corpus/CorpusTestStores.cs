using Pipeline.Storage.Corpus;
using Pipeline.Storage.Tests.Azurite;

namespace Pipeline.Storage.Tests.Corpus;

/// <summary>Store factories for corpus tests: local folders only, or local + the shared Azurite as the configured account.</summary>
internal static class CorpusTestStores
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp"];

    public static IObjectStoreFactory Local() =>
        new ObjectStoreFactory(new BlobServiceClients(new StorageOptions(), null), TestPipelines.Create(new StorageOptions()));

    public static IObjectStoreFactory WithAzurite(AzuriteFixture azurite) =>
        new ObjectStoreFactory(
            new BlobServiceClients(new StorageOptions { ConnectionString = azurite.Server.ConnectionString }, null),
            TestPipelines.Create(new StorageOptions()));

    public static async Task<List<CorpusEntry>> ListAsync(CorpusInput input)
    {
        var entries = new List<CorpusEntry>();
        await foreach (var entry in input.EntriesAsync())
        {
            entries.Add(entry);
        }

        return entries;
    }

    public static async Task WriteFileAsync(string root, string relative, string content = "x")
    {
        var path = Path.Join(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content);
    }
}
