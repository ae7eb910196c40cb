using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Pipeline.Grains.Workers;
using Pipeline.Storage;
using Pipeline.Storage.Azurite;

namespace Pipeline.Grains.Tests;

/// <summary>
/// One in-process Orleans cluster (one silo, one worker) over a real Azurite started for the test run, shared by the
/// job tests. Nothing needs to run beforehand.
/// </summary>
public sealed class EmbedClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? cluster;

    public AzuriteServer Azurite { get; private set; } = null!;

    public IGrainFactory Grains => cluster!.Client;

    public IObjectStoreFactory Stores => cluster!.Silos[0].ServiceProvider.GetRequiredService<IObjectStoreFactory>();

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        var connectionString = Azurite.ConnectionString;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            TestSilo.Configure(silo, workerSlots: 1);
            silo.Services.Configure<StorageOptions>(o => o.ConnectionString = connectionString);
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null) await cluster.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EmbedClusterCollection : ICollectionFixture<EmbedClusterFixture>
{
    public const string Name = "embed cluster";
}
