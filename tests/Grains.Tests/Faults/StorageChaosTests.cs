using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pipeline.Storage;
using Xunit.Abstractions;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// A job on a cluster whose blob-read and blob-write pipelines fail 20% of attempts (and stall a few) still writes the
/// exact output of an undisturbed run; the storage retries that hid the faults show in Polly's metrics.
/// </summary>
[Collection(FaultCorpusCollection.Name)]
public sealed class StorageChaosTests(FaultCorpusFixture corpus, ITestOutputHelper log)
{
    private const string PollyMeter = "Polly";
    private const string PollyEvents = "resilience.polly.strategy.events";

    [Fact]
    public async Task AJobOnStorageThatFailsOneCallInFiveWritesTheUndisturbedOutputAndTheRetriesShowInMetrics()
    {
        var reference = await corpus.ReferenceAsync();
        var retries = new RetryCounter();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PollyMeter && instrument.Name == PollyEvents) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => retries.Add(value, tags));
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => retries.Add(value, tags));
        listener.Start();

        var chaos = new StorageChaosOptions { FaultRate = 0.2, StallRate = 0.02, Stall = TimeSpan.FromMilliseconds(100), Seed = 20261201 };
        await using var cluster = await FaultCluster.StartAsync(corpus.Azurite.ConnectionString, new FaultClusterSettings { Chaos = chaos });
        const string jobId = "storage-chaos";
        var job = cluster.Job(jobId);
        var clock = Stopwatch.StartNew();
        var submitted = await job.SubmitAsync(corpus.Spec(jobId));
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await FaultAssertions.WaitForFinalAsync(job, TimeSpan.FromMinutes(2));
        listener.RecordObservableInstruments();

        log.WriteLine($"job under storage chaos took {clock.Elapsed.TotalSeconds:F1} s (undisturbed {reference.Elapsed.TotalSeconds:F1} s); " +
                      $"storage retries: {retries.Describe()}; task retries {status.Retries}");
        var output = await JobOutput.ReadAsync(corpus.Stores.Open(StorageLocation.Parse(corpus.Spec(jobId).Output)), status.TotalTasks);
        FaultAssertions.ExactlyOnce(corpus, status, output);
        FaultAssertions.SameEmbeddings(reference, output);
        Assert.True(retries.Total > 0, $"expected OnRetry events of the blob pipelines in Polly's '{PollyEvents}', saw {retries.Describe()}");
    }

    /// <summary>OnRetry events of the storage pipelines, by pipeline.</summary>
    private sealed class RetryCounter
    {
        private readonly Dictionary<string, long> byPipeline = [];

        public long Total
        {
            get
            {
                lock (byPipeline) return byPipeline.Values.Sum();
            }
        }

        public void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? eventName = null, pipeline = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "event.name") eventName = tag.Value as string;
                else if (tag.Key == "pipeline.name") pipeline = tag.Value as string;
            }
            if (eventName != "OnRetry" || pipeline is not (StorageResilience.BlobRead or StorageResilience.BlobWrite)) return;
            lock (byPipeline) byPipeline[pipeline] = byPipeline.GetValueOrDefault(pipeline) + value;
        }

        public string Describe()
        {
            lock (byPipeline) return byPipeline.Count == 0 ? "none" : string.Join(", ", byPipeline.Select(p => $"{p.Key} {p.Value}"));
        }
    }
}
