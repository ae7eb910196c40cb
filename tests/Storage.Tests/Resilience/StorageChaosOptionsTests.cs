using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Tests.Azurite;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Testing;
using Polly.Timeout;
using Xunit.Abstractions;

namespace Pipeline.Storage.Tests.Resilience;

/// <summary>Chaos from configuration inside the production pipelines: a job's storage keeps working at 20% failures.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageChaosOptionsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly StorageOptions FastRetries = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(1) };

    [Fact]
    public async Task At20PercentFaults_AndStalls_HundredWritesAndReadsSucceed_ThroughRetries_WithoutOpeningTheCircuit()
    {
        var chaos = new StorageChaosOptions { FaultRate = 0.2, StallRate = 0.1, Stall = TimeSpan.FromMilliseconds(20), Seed = 42 };
        var events = new ResilienceEventCounter();
        var container = AzuriteFixture.NewContainerName();
        var location = new StorageLocation(StorageKind.AzureBlob, container, "chaos", null, null);
        var store = new BlobObjectStore(azurite.Client.GetBlobContainerClient(container), location, TestPipelines.Create(FastRetries, chaos, events));

        for (var i = 0; i < 100; i++)
        {
            await store.WriteAsync($"k/{i:D3}.bin", BitConverter.GetBytes(i));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(await store.ReadAllBytesAsync($"k/{i:D3}.bin")));
        }

        output.WriteLine($"200 calls: {events}");

        // Every injected fault failed one attempt, and each such attempt was retried; nothing else failed.
        var faults = events["Chaos.OnFault"];
        Assert.True(faults is >= 20 and <= 80, $"expected about 20% of ~250 attempts to fail, saw {faults} faults ({events})");
        Assert.True(events["OnRetry"] == faults, $"expected one retry per injected fault, saw {events}");
        Assert.True(events["Chaos.OnLatency"] > 0, $"expected some stalls, saw {events}");
        Assert.True(events["OnCircuitOpened"] == 0, $"expected the circuit to stay closed at 20% failures, saw {events}");
    }

    [Fact]
    public async Task AStallLongerThanTheAttemptTimeout_IsCutShort_AndRetried()
    {
        var chaos = new StorageChaosOptions { StallRate = 0.5, Stall = TimeSpan.FromMinutes(5), Seed = 7 };
        var options = new StorageOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), ReadAttemptTimeout = TimeSpan.FromMilliseconds(200), WriteAttemptTimeout = TimeSpan.FromMilliseconds(200), MaxRetryAttempts = 10 };
        var events = new ResilienceEventCounter();
        var container = AzuriteFixture.NewContainerName();
        var location = new StorageLocation(StorageKind.AzureBlob, container, "stall", null, null);
        var store = new BlobObjectStore(azurite.Client.GetBlobContainerClient(container), location, TestPipelines.Create(options, chaos, events));
        await store.WriteAsync("k.bin", new byte[] { 1, 2, 3 });

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadAllBytesAsync("k.bin"));
        }

        Assert.True(events["OnTimeout"] > 0 && events["OnRetry"] >= events["OnTimeout"], $"expected stalled attempts to time out and be retried, saw {events}");
    }

    [Fact]
    public void ChaosFromConfiguration_SitsInnermost_InBothPipelines_AndIsOffByDefault()
    {
        static IReadOnlyList<Type> StrategiesOf(Dictionary<string, string?> settings, string pipeline)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPipelineStorage().BuildServiceProvider();
            var provider = services.GetRequiredService<ResiliencePipelineProvider<string>>();
            return provider.GetPipeline(pipeline).GetPipelineDescriptor().Strategies.Select(s => s.Options!.GetType()).ToList();
        }

        var chaos = new Dictionary<string, string?>
        {
            ["Pipeline:Storage:Chaos:FaultRate"] = "0.2",
            ["Pipeline:Storage:Chaos:StallRate"] = "0.05",
            ["Pipeline:Storage:Chaos:Stall"] = "00:00:01",
            ["Pipeline:Storage:Chaos:Seed"] = "3",
        };
        foreach (var name in new[] { StorageResilience.BlobRead, StorageResilience.BlobWrite })
        {
            Assert.Equal(
                [typeof(TimeoutStrategyOptions), typeof(RetryStrategyOptions), typeof(CircuitBreakerStrategyOptions), typeof(TimeoutStrategyOptions),
                 typeof(ChaosFaultStrategyOptions), typeof(ChaosLatencyStrategyOptions)],
                StrategiesOf(chaos, name));
            Assert.Equal(4, StrategiesOf([], name).Count);
        }
    }

    [Theory]
    [InlineData("FaultRate", "1.5")]
    [InlineData("StallRate", "-0.1")]
    [InlineData("Stall", "-00:00:01")]
    public void OutOfRangeChaos_FailsValidation_NamingTheSetting(string setting, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Pipeline:Storage:Chaos:{setting}"] = value,
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPipelineStorage().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageChaosOptions>>().Value);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultChaos_IsInactive()
    {
        var options = new StorageChaosOptions();

        Assert.False(options.IsActive, "chaos should be off unless a rate is set");
        Assert.Empty(new List<ValidationResult>(options.Validate(new ValidationContext(options))));
    }
}
