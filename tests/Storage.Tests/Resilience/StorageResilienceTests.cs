using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Storage.Tests.Azurite;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Testing;
using Polly.Timeout;

namespace Pipeline.Storage.Tests.Resilience;

/// <summary>
/// Faults injected with Polly's chaos strategy inside the production pipelines, against a real (Azurite) blob store:
/// transient faults are retried until the call succeeds; 404 and 409 are answered at once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageResilienceTests(AzuriteFixture azurite)
{
    private static readonly StorageOptions FastRetries = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 4 };

    [Fact]
    public async Task ATransient503_IsRetried_UntilTheReadSucceeds()
    {
        var chaos = new Chaos(faults: 2, () => new RequestFailedException(503, "chaos: server busy"));
        var store = await StoreWithContentAsync("k.bin", [1, 2, 3], chaos);

        var read = await store.ReadAllBytesAsync("k.bin");

        Assert.Equal(new byte[] { 1, 2, 3 }, read);
        Assert.Equal((Injected: 2, Attempts: 3), (chaos.Injected, chaos.Attempts));
    }

    [Fact]
    public async Task AnIoFaultOnUpload_IsRetried_AndTheBlobIsWrittenOnce()
    {
        var chaos = new Chaos(faults: 1, () => new IOException("chaos: connection reset"));
        var store = await StoreWithContentAsync("other.bin", [0], chaos);

        chaos.Arm();
        await store.WriteAsync("k.bin", new MemoryStream([4, 5, 6]));

        Assert.Equal((Injected: 1, Attempts: 2), (chaos.Injected, chaos.Attempts));
        Assert.Equal(new byte[] { 4, 5, 6 }, await store.ReadAllBytesAsync("k.bin"));
    }

    [Fact]
    public async Task AnInjected404_IsNotRetried()
    {
        var chaos = new Chaos(faults: int.MaxValue, () => new RequestFailedException(404, "chaos: not found"));
        var store = await StoreWithContentAsync("k.bin", [1], chaos);

        await Assert.ThrowsAsync<FileNotFoundException>(() => store.ReadAllBytesAsync("k.bin"));

        Assert.Equal((Injected: 1, Attempts: 1), (chaos.Injected, chaos.Attempts));
    }

    [Fact]
    public async Task ARealMissingBlob_IsAskedForOnce()
    {
        var chaos = new Chaos(faults: 0, () => new RequestFailedException(503, "unused"));
        var store = await StoreWithContentAsync("k.bin", [1], chaos);

        await Assert.ThrowsAsync<FileNotFoundException>(() => store.ReadAllBytesAsync("missing.bin"));

        Assert.Equal(1, chaos.Attempts);
    }

    [Fact]
    public async Task AConflictOnWriteOnce_IsNotRetried()
    {
        var chaos = new Chaos(faults: 0, () => new RequestFailedException(503, "unused"));
        var store = await StoreWithContentAsync("marker.json", "{}"u8.ToArray(), chaos);

        chaos.Arm();
        var created = await store.TryCreateAsync("marker.json", "{\"again\":1}"u8.ToArray());

        Assert.False(created, "the marker exists, so creating it again must report false");
        Assert.Equal(1, chaos.Attempts);
    }

    [Fact]
    public async Task PersistentTransientFaults_FailAfterTheConfiguredRetries()
    {
        var chaos = new Chaos(faults: int.MaxValue, () => new RequestFailedException(500, "chaos: internal error"));
        var store = await StoreWithContentAsync("k.bin", [1], chaos);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => store.ExistsAsync("k.bin"));

        Assert.Equal(500, error.Status);
        Assert.Equal(1 + FastRetries.MaxRetryAttempts, chaos.Attempts);
    }

    [Fact]
    public void AddPipelineStorage_RegistersBothPipelines_TotalTimeoutRetryBreakerAttemptTimeout()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Storage:ConnectionString"] = azurite.Server.ConnectionString,
            ["Pipeline:Storage:MaxRetryAttempts"] = "3",
            ["Pipeline:Storage:ReadAttemptTimeout"] = "00:00:20",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPipelineStorage().BuildServiceProvider();
        var provider = services.GetRequiredService<ResiliencePipelineProvider<string>>();

        foreach (var name in new[] { StorageResilience.BlobRead, StorageResilience.BlobWrite })
        {
            var strategies = provider.GetPipeline(name).GetPipelineDescriptor().Strategies;
            Assert.Equal(
                [typeof(TimeoutStrategyOptions), typeof(RetryStrategyOptions), typeof(CircuitBreakerStrategyOptions), typeof(TimeoutStrategyOptions)],
                strategies.Select(s => s.Options!.GetType()));
            Assert.Equal(3, ((RetryStrategyOptions)strategies[1].Options!).MaxRetryAttempts);
            Assert.True(((RetryStrategyOptions)strategies[1].Options!).UseJitter, "retries should be jittered");
            Assert.Equal(DelayBackoffType.Exponential, ((RetryStrategyOptions)strategies[1].Options!).BackoffType);
        }

        var readAttempt = (TimeoutStrategyOptions)provider.GetPipeline(StorageResilience.BlobRead).GetPipelineDescriptor().Strategies[3].Options!;
        Assert.Equal(TimeSpan.FromSeconds(20), readAttempt.Timeout);
    }

    private async Task<BlobObjectStore> StoreWithContentAsync(string key, byte[] content, Chaos chaos)
    {
        var location = new StorageLocation(StorageKind.AzureBlob, AzuriteFixture.NewContainerName(), "chaos", null, null);
        var setup = new BlobObjectStore(azurite.Client.GetBlobContainerClient(location.Container), location, TestPipelines.Create(FastRetries));
        await setup.WriteAsync(key, content);
        chaos.Arm();
        var pipelines = TestPipelines.Create(FastRetries, builder => builder.AddChaosFault(chaos.Options()));
        return new BlobObjectStore(azurite.Client.GetBlobContainerClient(location.Container), location, pipelines);
    }

    /// <summary>Injects <c>faults</c> faults into the first attempts after <see cref="Arm"/>, counting every attempt.</summary>
    private sealed class Chaos(int faults, Func<Exception> fault)
    {
        private int attempts;
        private int injected;

        public int Attempts => Volatile.Read(ref attempts);

        public int Injected => Volatile.Read(ref injected);

        public void Arm()
        {
            Volatile.Write(ref attempts, 0);
            Volatile.Write(ref injected, 0);
        }

        public ChaosFaultStrategyOptions Options() => new()
        {
            InjectionRate = 1,
            EnabledGenerator = _ => ValueTask.FromResult(Interlocked.Increment(ref attempts) <= faults),
            FaultGenerator = _ => ValueTask.FromResult<Exception?>(fault()),
            OnFaultInjected = _ =>
            {
                Interlocked.Increment(ref injected);
                return default;
            },
        };
    }
}
