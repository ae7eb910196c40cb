using Azure.Core;

namespace Pipeline.Storage.Tests.Blob;

/// <summary>Which client serves which account; none of these tests talk to a server.</summary>
public sealed class BlobServiceClientsTests
{
    private const string AzuriteConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    [Fact]
    public void WithoutConfiguration_AzLocationsFailWithAClearMessage()
    {
        var clients = new BlobServiceClients(new StorageOptions(), new FakeCredential());

        var error = Assert.Throws<InvalidOperationException>(() => clients.ForAccount(null));

        Assert.False(clients.HasConfiguredAccount);
        Assert.Contains("Pipeline:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConfiguredAccount_ServesAzLocations_AndUrlsOfTheSameAccount()
    {
        var clients = new BlobServiceClients(new StorageOptions { ConnectionString = AzuriteConnectionString }, new FakeCredential());
        var url = StorageLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/embeddings/run1");

        Assert.Same(clients.Configured, clients.ForAccount(null));
        Assert.Same(clients.Configured, clients.ForAccount(url.AccountUri));
    }

    [Fact]
    public void OtherHttpsAccounts_GetOneCredentialClientEach()
    {
        var clients = new BlobServiceClients(new StorageOptions { ConnectionString = AzuriteConnectionString }, new FakeCredential());
        var other = StorageLocation.Parse("https://otheracct.blob.core.windows.net/images/2024").AccountUri;

        var client = clients.ForAccount(other);

        Assert.Equal("otheracct", client.AccountName);
        Assert.Same(client, clients.ForAccount(new Uri("https://OTHERACCT.blob.core.windows.net/")));
        Assert.NotSame(clients.Configured, client);
    }

    [Fact]
    public void OtherPlainHttpAccounts_AreRefused_BecauseTokensNeedHttps()
    {
        var clients = new BlobServiceClients(new StorageOptions { ConnectionString = AzuriteConnectionString }, new FakeCredential());
        var other = StorageLocation.Parse("http://127.0.0.1:20000/devstoreaccount1/c-1/x").AccountUri;

        var error = Assert.Throws<InvalidOperationException>(() => clients.ForAccount(other));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceUri_IsSignedWithTheCredential()
    {
        var clients = new BlobServiceClients(new StorageOptions { ServiceUri = new Uri("https://mainacct.blob.core.windows.net") }, new FakeCredential());

        Assert.Equal("mainacct", clients.Configured.AccountName);
        Assert.Same(clients.Configured, clients.ForAccount(StorageLocation.Parse("https://mainacct.blob.core.windows.net/c-1/p").AccountUri));
    }

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no token requests are expected in these tests");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no token requests are expected in these tests");
    }
}
