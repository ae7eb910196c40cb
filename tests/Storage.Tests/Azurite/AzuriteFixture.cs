using Azure.Storage.Blobs;
using Pipeline.Storage.Azurite;

namespace Pipeline.Storage.Tests.Azurite;

/// <summary>One Azurite for every test in the <see cref="AzuriteCollection"/>; each test uses its own container or prefix.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? server;

    public AzuriteServer Server => server ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>A client for the Azurite account, with the SDK's retries off like production clients.</summary>
    public BlobServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        server = await AzuriteServer.StartAsync(new AzuriteServerOptions { ExtentMemoryLimitMb = 512 });
        Client = new BlobServiceClient(server.ConnectionString, BlobServiceClients.ClientOptions());
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName() => "t" + Guid.NewGuid().ToString("N")[..20];
}
