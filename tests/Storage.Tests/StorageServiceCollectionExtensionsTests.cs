using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Tests.Azurite;

namespace Pipeline.Storage.Tests;

/// <summary>The storage area as a host wires it: configuration binding, validation on start, the factory.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AHostWithAConnectionString_OpensAzAndLocalLocations()
    {
        using var folder = new TempFolder();
        using var host = BuildHost(("ConnectionString", azurite.Server.ConnectionString));
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<IObjectStoreFactory>();

        var blob = factory.Open(StorageLocation.Parse($"az://{AzuriteFixture.NewContainerName()}/jobs/j1"));
        var url = factory.Open(StorageLocation.Parse($"{azurite.Server.BlobEndpoint}/{blob.Location.Container}/jobs"));
        var local = factory.Open(StorageLocation.Parse(folder.Path));
        await blob.WriteAsync("job.json", "{}"u8.ToArray());
        await local.WriteAsync("job.json", "{}"u8.ToArray());

        Assert.IsType<BlobObjectStore>(blob);
        Assert.IsType<LocalObjectStore>(local);
        Assert.Equal("{}"u8.ToArray(), await url.ReadAllBytesAsync("j1/job.json"));
        Assert.True(File.Exists(Path.Join(folder.Path, "job.json")), "the local store should write under its folder");
        Assert.Equal(azurite.Server.BlobEndpoint.AbsoluteUri.TrimEnd('/'), host.Services.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        await host.StopAsync();
    }

    [Fact]
    public async Task AHostWithoutAnAccount_StartsForLocalFolders_AndExplainsAzLocations()
    {
        using var host = BuildHost();
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<IObjectStoreFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.Open(StorageLocation.Parse("az://embeddings/x")));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.IsType<LocalObjectStore>(factory.Open(StorageLocation.Parse("/tmp")));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("ServiceUri", "http://acct.blob.core.windows.net", "absolute https URL")]
    [InlineData("MaxRetryAttempts", "99", "MaxRetryAttempts")]
    [InlineData("ReadAttemptTimeout", "00:00:00", "ReadAttemptTimeout")]
    [InlineData("ConnectionString", "AccountName=x;AccountKey=c2VjcmV0LWtleQ==;nonsense", "not a valid Azure Storage connection string")]
    public async Task InvalidSettings_FailTheHostOnStart_SayingWhatToFix(string setting, string value, string expected)
    {
        using var host = BuildHost((setting, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LWtleQ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothAConnectionStringAndAServiceUri_AreRefused()
    {
        using var host = BuildHost(("ConnectionString", azurite.Server.ConnectionString), ("ServiceUri", "https://acct.blob.core.windows.net"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CallingAddPipelineStorageTwice_RegistersOnce()
    {
        var services = new ServiceCollection();

        services.AddPipelineStorage().AddPipelineStorage();

        Assert.Single(services, d => d.ServiceType == typeof(IObjectStoreFactory));
        Assert.Single(services, d => d.ServiceType == typeof(BlobServiceClients));
    }

    private static IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{StorageOptions.SectionName}:{s.Key}", s.Value)));
        builder.Services.AddPipelineStorage();
        return builder.Build();
    }
}
