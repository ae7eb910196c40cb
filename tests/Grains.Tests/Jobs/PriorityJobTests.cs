using Pipeline.Contracts.Jobs;
using Pipeline.Storage.Commit;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Jobs;

/// <summary>Workers serve the active job of highest <c>--priority</c> first, whatever the submission order.</summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class PriorityJobTests(EmbedClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    private async Task<(EmbedJobSpec Spec, IJobGrain Job)> UploadAsync(string name, int images, int priority)
    {
        await JobTestHelpers.UploadAsync(fixture.Stores, $"az://corpus/{name}",
            Enumerable.Range(0, images).ToDictionary(i => $"{i:D2}.png", i => TestImages.Encode(32, 32 + i, SKColors.Coral)));
        var spec = new EmbedJobSpec { Input = $"az://corpus/{name}", Model = model.Folder, Output = $"az://outputs/{name}", ShardSize = 1, BatchSize = 1, Priority = priority };
        return (spec, fixture.Grains.GetGrain<IJobGrain>(name));
    }

    [Fact]
    public async Task AHigherPriorityJobSubmittedSecondRunsBeforeTheRestOfTheFirst()
    {
        var (lowSpec, low) = await UploadAsync("priority-low", images: 40, priority: 0);
        var (highSpec, high) = await UploadAsync("priority-high", images: 3, priority: 10);

        Assert.True((await low.SubmitAsync(lowSpec)).Accepted);
        Assert.True((await high.SubmitAsync(highSpec)).Accepted);
        var lowStatus = await JobTestHelpers.WaitForFinalAsync(low, JobTimeout);
        var highStatus = await JobTestHelpers.WaitForFinalAsync(high, JobTimeout);
        Assert.True(lowStatus.State == JobState.Succeeded && highStatus.State == JobState.Succeeded, $"expected both Succeeded, got {lowStatus} and {highStatus}");

        // Planning streams, so a low task may slip in while the high job is still being listed; what must hold is that
        // the high job, once there, is served first: it ends while most low tasks still wait.
        var order = (await JobOutputReader.Open(fixture.Stores, lowSpec.Output).MarkersAsync()).Select(m => (Job: "low", m.Shard, m.CommittedAt))
            .Concat((await JobOutputReader.Open(fixture.Stores, highSpec.Output).MarkersAsync()).Select(m => (Job: "high", m.Shard, m.CommittedAt)))
            .OrderBy(c => c.CommittedAt).ToList();
        var text = string.Join(" ", order.Select(c => $"{c.Job}/{c.Shard}"));
        int lastHigh = order.FindLastIndex(c => c.Job == "high");
        Assert.True(lastHigh < order.Count / 2, $"expected the high-priority job to end within the first half of the low-priority tasks, got commit order: {text}");
    }

    [Fact]
    public async Task JobsOfEqualPriorityRunInSubmissionOrder()
    {
        var (firstSpec, first) = await UploadAsync("fifo-first", images: 4, priority: 3);
        var (secondSpec, second) = await UploadAsync("fifo-second", images: 4, priority: 3);

        Assert.True((await first.SubmitAsync(firstSpec)).Accepted);
        // Every task of the first job is waiting before the second exists: the one worker must finish them first.
        await JobTestHelpers.WaitForAsync(first, s => s.PlanningDone, JobTimeout);
        Assert.True((await second.SubmitAsync(secondSpec)).Accepted);
        await JobTestHelpers.WaitForFinalAsync(first, JobTimeout);
        await JobTestHelpers.WaitForFinalAsync(second, JobTimeout);

        var firstDone = (await JobOutputReader.Open(fixture.Stores, firstSpec.Output).MarkersAsync()).Max(m => m.CommittedAt);
        var secondStarted = (await JobOutputReader.Open(fixture.Stores, secondSpec.Output).MarkersAsync()).Min(m => m.CommittedAt);
        Assert.True(firstDone < secondStarted, $"expected every task of the first job to commit before the second's first (same priority): first ended {firstDone:O}, second began {secondStarted:O}");
    }

    [Fact]
    public async Task TheQueueOrdersActiveJobsByPriorityThenSubmission()
    {
        await using var hand = await HandCluster.StartAsync(fixture.Azurite.ConnectionString);
        (string Id, int Priority)[] jobs = [("q-a", 0), ("q-b", 5), ("q-c", 0), ("q-d", 5), ("q-e", -1)];
        foreach (var (id, priority) in jobs)
        {
            var (spec, _) = await UploadAsync(id, images: 1, priority);
            Assert.True((await hand.Grains.GetGrain<IJobGrain>(id).SubmitAsync(spec)).Accepted);
        }
        var active = await hand.Grains.GetGrain<IJobQueueGrain>("default").GetActiveJobsAsync();
        Assert.Equal(["q-b", "q-d", "q-a", "q-c", "q-e"], active.Select(j => j.JobId));
    }
}
