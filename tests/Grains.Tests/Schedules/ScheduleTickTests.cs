using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>
/// The tick handler on a fake clock, so every tick is exact: a tick handled any number of times, at once or in turn,
/// submits one job with the deterministic id; ticks older than the catch-up window are counted as missed, not run;
/// run-now submits with its own id; remove stops everything. No workers: the jobs are admitted and wait in the queue.
/// </summary>
public sealed class ScheduleTickTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-28T12:00:30Z");
    private readonly FakeTimeProvider clock = new(Start);
    private readonly ScheduleCorpus corpus = new(images: 2);
    private HandCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await HandCluster.StartAsync(clock: clock);

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        corpus.Dispose();
    }

    private async Task<IScheduleGrain> AddAsync(ScheduleSpec spec)
    {
        var grain = cluster.Grains.GetGrain<IScheduleGrain>(spec.Name);
        var added = await grain.AddAsync(spec, replace: false);
        Assert.True(added.Accepted, $"expected the schedule to be accepted, got: {string.Join("; ", added.Errors)}");
        return grain;
    }

    [Fact]
    public async Task ATickHandledManyTimesAtOnceSubmitsOneJobWithTheTicksId()
    {
        var grain = await AddAsync(corpus.Spec("once", "0 * * * * *"));
        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T12:01:00.5Z"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grain.RunDueAsync()));
        await grain.RunDueAsync();

        Assert.Equal(["once-20261128T120100"], await ScheduleCorpus.JobsOfAsync(cluster.Grains, "once"));
        var status = await cluster.Grains.GetGrain<IJobGrain>("once-20261128T120100").GetStatusAsync();
        Assert.True(status.State is JobState.Planning or JobState.Running, $"expected the tick's job admitted, got {status}");
        Assert.Equal(Path.Combine(corpus.Root, "out/once/20261128T120100"), status.Output);
        var info = (await grain.GetAsync())!;
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T12:01:00Z"), info.LastTick);
        Assert.Equal("once-20261128T120100", info.LastJobId);
        Assert.Single(info.RecentJobs);
        Assert.Equal(0, info.MissedTicks);
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T12:02:00Z"), info.NextTick);

        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T12:02:00.2Z"));
        await Task.WhenAll(grain.RunDueAsync(), grain.RunDueAsync());

        Assert.Equal(["once-20261128T120100", "once-20261128T120200"], await ScheduleCorpus.JobsOfAsync(cluster.Grains, "once"));
    }

    [Fact]
    public async Task ATickWhoseJobWasSubmittedBeforeACrashResumesThatJobInsteadOfStartingAnother()
    {
        var spec = corpus.Spec("crashed", "0 * * * * *");
        var grain = await AddAsync(spec);
        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T12:01:00.5Z"));
        // What an activation that submitted the tick's job and died before persisting its state left behind.
        var tick = DateTimeOffset.Parse("2026-11-28T12:01:00Z");
        var jobId = ScheduleTemplate.JobId("crashed", tick);
        var first = await cluster.Grains.GetGrain<IJobGrain>(jobId).SubmitAsync(ScheduleTemplate.Render(spec.Template, "crashed", tick));
        Assert.True(first.Accepted, first.Error);

        await grain.RunDueAsync();

        Assert.Equal([jobId], await ScheduleCorpus.JobsOfAsync(cluster.Grains, "crashed"));
        var info = (await grain.GetAsync())!;
        Assert.True(info.RecentJobs is [{ Accepted: true } job] && job.JobId == jobId, $"expected the tick's submit accepted as a resume, got {info}");
        Assert.Equal(first.Status.SubmittedAt, (await cluster.Grains.GetGrain<IJobGrain>(jobId).GetStatusAsync()).SubmittedAt);
    }

    [Fact]
    public async Task TicksRenderInTheSchedulesZone()
    {
        var template = corpus.Template("out/{schedule}/{date}_{time}");
        var grain = await AddAsync(corpus.Spec("berlin", "0 30 13 * * *", zone: "Europe/Berlin", template: template));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 13, 30, 0, TimeSpan.FromHours(1)), (await grain.GetAsync())!.NextTick);
        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T12:30:01Z"));

        await grain.RunDueAsync();

        Assert.Equal(["berlin-20261128T133000"], await ScheduleCorpus.JobsOfAsync(cluster.Grains, "berlin"));
        var status = await cluster.Grains.GetGrain<IJobGrain>("berlin-20261128T133000").GetStatusAsync();
        Assert.Equal(Path.Combine(corpus.Root, "out/berlin/2026-11-28_1330"), status.Output);
    }

    [Fact]
    public async Task DueTicksOlderThanTheCatchUpWindowAreMissedAndTheLatestInsideItRuns()
    {
        var hourly = await AddAsync(corpus.Spec("hourly", "0 0 * * * *"));
        var daily = await AddAsync(corpus.Spec("daily", "0 0 2 * * *"));
        // Nobody woke either schedule from 12:00:30 until 15:30 of the next day (the default window is 1 hour).
        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-29T15:30:00Z"));

        await hourly.RunDueAsync();
        await daily.RunDueAsync();

        var h = (await hourly.GetAsync())!;
        Assert.Equal(["hourly-20261129T150000"], await ScheduleCorpus.JobsOfAsync(cluster.Grains, "hourly"));
        Assert.True(h.MissedTicks == 26, $"expected 26 missed hourly ticks (13:00 to 14:00 of the next day), got {h.MissedTicks}");
        Assert.Equal(Enumerable.Range(5, 10).Select(i => DateTimeOffset.Parse("2026-11-29T00:00:00Z").AddHours(i)), h.RecentMissed);

        var d = (await daily.GetAsync())!;
        Assert.Empty(await ScheduleCorpus.JobsOfAsync(cluster.Grains, "daily"));
        Assert.Equal(1, d.MissedTicks);
        Assert.Equal([DateTimeOffset.Parse("2026-11-29T02:00:00Z")], d.RecentMissed);
        Assert.Null(d.LastJobId);
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T02:00:00Z"), d.NextTick);
    }

    [Fact]
    public async Task RunNowSubmitsWithItsOwnIdAndLeavesTheTicksAlone()
    {
        var grain = await AddAsync(corpus.Spec("manual", "0 0 2 * * *"));
        clock.Advance(TimeSpan.FromSeconds(5));

        var run = await grain.RunNowAsync();

        Assert.True(run.Accepted, run.Error);
        Assert.Equal("manual-manual-20261128T120035000", run.Status.JobId);
        var info = (await grain.GetAsync())!;
        Assert.Equal([(run.Status.JobId, true)], info.RecentJobs.Select(j => (j.JobId, j.Manual)));
        Assert.Null(info.LastTick);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T02:00:00Z"), info.NextTick);
        var unknown = await cluster.Grains.GetGrain<IScheduleGrain>("nobody").RunNowAsync();
        Assert.False(unknown.Accepted);
        Assert.Contains("there is no schedule 'nobody'", unknown.Error);
    }

    [Fact]
    public async Task RemoveForgetsTheScheduleAndItsRegistryEntryAndLaterWakesSubmitNothing()
    {
        var grain = await AddAsync(corpus.Spec("gone", "0 * * * * *"));
        var registry = cluster.Grains.GetGrain<IScheduleRegistryGrain>(ScheduleRegistryKeys.All);
        Assert.Contains("gone", await registry.ListAsync());

        Assert.True(await grain.RemoveAsync());
        clock.SetUtcNow(DateTimeOffset.Parse("2026-11-28T12:05:00.5Z"));
        await grain.RunDueAsync();

        Assert.Null(await grain.GetAsync());
        Assert.DoesNotContain("gone", await registry.ListAsync());
        Assert.Empty(await ScheduleCorpus.JobsOfAsync(cluster.Grains, "gone"));
        Assert.False(await grain.RemoveAsync());
    }
}
