using System.Diagnostics;
using Pipeline.Contracts.Schedules;
using Pipeline.Grains.Schedules;
using Pipeline.Grains.Tests.Faults;
using Pipeline.Storage.Azurite;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>
/// A schedule survives its service: the single-silo cluster is stopped (or its silo killed) and, after a pause longer
/// than the catch-up window, a new one starts over the same Azurite (blob grain state, table reminders). Nobody calls
/// the schedule: its reminder alone brings it back, its state (creation, history, last tick) is intact, it fires again
/// with the next deterministic ids, and the ticks that fell due while nothing ran are reported as missed, not run.
/// </summary>
public sealed class ScheduleRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(8);
    private readonly ScheduleCorpus corpus = new(images: 2);
    private AzuriteServer azurite = null!;

    public async Task InitializeAsync() => azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        await azurite.DisposeAsync();
        corpus.Dispose();
    }

    private static void Options(ScheduleOptions o)
    {
        o.ReminderPeriod = TimeSpan.FromSeconds(2);
        o.CatchUpWindow = TimeSpan.FromSeconds(3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterARestartTheReminderBringsTheScheduleBackWithItsStateAndTheTicksMissedWhileDownAreReported(bool kill)
    {
        var name = kill ? "killed" : "stopped";
        var serviceId = $"sched-{Guid.NewGuid():N}"[..20];
        ScheduleInfo before;
        await using (var first = await DurableScheduleCluster.StartAsync(azurite.ConnectionString, serviceId, Options))
        {
            var grain = first.Client.GetGrain<IScheduleGrain>(name);
            var added = await grain.AddAsync(corpus.Spec(name, "*/2 * * * * *"), replace: false);
            Assert.True(added.Accepted, string.Join("; ", added.Errors));
            ScheduleInfo? seen = null;
            before = await Poll.UntilAsync(async () => (seen = await grain.GetAsync()) is { LastJobId: not null } ? seen : null,
                Timeout, () => "a first tick before the restart", () => seen?.ToString() ?? "-");
            before = (await grain.GetAsync())!;
            if (kill) await first.KillAsync();
        }
        var stoppedAt = DateTimeOffset.UtcNow;
        // The service is down: ticks fall due and pass beyond the 3 s catch-up window with nobody to run them.
        await Task.Delay(Down);

        await using var second = await DurableScheduleCluster.StartAsync(azurite.ConnectionString, serviceId, Options);
        var restartedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        // Only the job queue is asked (it activates no schedule): a job of a tick after the restart proves the reminder woke it.
        var restartTick = ScheduleTemplate.JobId(name, restartedAt.AddSeconds(-3));
        List<string> jobs = [];
        await Poll.UntilAsync(async () =>
        {
            jobs = await ScheduleCorpus.JobsOfAsync(second.Client, name);
            return jobs.Any(j => string.CompareOrdinal(j, restartTick) > 0) ? jobs : null;
        }, Timeout, () => $"a job later than {restartTick} submitted by the restarted schedule", () => string.Join(", ", jobs));

        var after = (await second.Client.GetGrain<IScheduleGrain>(name).GetAsync())!;
        Assert.Equal(before.Spec, after.Spec);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
        Assert.Subset(after.RecentJobs.Select(j => j.JobId).ToHashSet(), before.RecentJobs.Select(j => j.JobId).ToHashSet());
        Assert.True(after.LastTick > before.LastTick, $"expected a tick after {before.LastTick:O}, got {after.LastTick:O}");
        Assert.True(after.MissedTicks >= 2, $"expected at least 2 ticks missed in {Down.TotalSeconds} s down with a 3 s window, got {after}");
        Assert.Contains(after.RecentMissed, t => t > stoppedAt && t < restartedAt);
        Assert.All(after.RecentMissed, t => Assert.DoesNotContain(after.RecentJobs, j => j.Tick == t));
        Assert.Equal(jobs.Count, jobs.Distinct().Count());
        Assert.True(clock.Elapsed < Timeout, "the restarted schedule took too long");
        Assert.True(await second.Client.GetGrain<IScheduleGrain>(name).RemoveAsync());
    }
}
