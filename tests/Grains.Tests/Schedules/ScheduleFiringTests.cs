using System.Globalization;
using Pipeline.Contracts.Jobs;
using Pipeline.Contracts.Schedules;
using Pipeline.Grains.Tests.Faults;
using Pipeline.Grains.Tests.Jobs;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>
/// A schedule on the real clock of the shared job cluster (one silo, one worker): a 2-second cron over a tiny embed
/// job fires at every tick through its grain timer (the reminder's period is a minute), each tick submits exactly one
/// job named <c>&lt;name&gt;-&lt;tick&gt;</c>, and each job writes its output where the template rendered it.
/// </summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class ScheduleFiringTests(EmbedClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly ScheduleCorpus corpus = new(images: 3);

    public void Dispose() => corpus.Dispose();

    [Fact]
    public async Task AShortCronFiresOneJobPerTickWithOutputsRenderedPerTick()
    {
        const string name = "every-2s";
        var grain = fixture.Grains.GetGrain<IScheduleGrain>(name);
        var added = await grain.AddAsync(corpus.Spec(name, "*/2 * * * * *"), replace: false);
        Assert.True(added.Accepted, string.Join("; ", added.Errors));

        ScheduleInfo? info = null;
        try
        {
            info = await Poll.UntilAsync(async () =>
            {
                var seen = await grain.GetAsync();
                return seen is not null && seen.RecentJobs.Count(j => !j.Manual) >= 3 ? seen : null;
            }, Timeout, () => "3 ticks submitted", () => info?.ToString() ?? "-");
        }
        finally
        {
            Assert.True(await grain.RemoveAsync(), "expected the schedule to be there to remove");
        }

        var ticks = info.RecentJobs.Where(j => !j.Manual).ToList();
        Assert.All(ticks, j => Assert.True(j.Accepted, $"tick {j.Tick}: job {j.JobId} refused: {j.Error}"));
        Assert.All(ticks, j => Assert.Equal($"{name}-{j.Tick.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}", j.JobId));
        Assert.All(ticks, j => Assert.True(j.Tick.Second % 2 == 0 && j.Tick.Millisecond == 0, $"tick {j.Tick:O} is not an occurrence of */2"));
        Assert.Equal(ticks.Count, ticks.Select(j => j.Tick).Distinct().Count());
        // Ticks follow each other on the cron's grid (a timer late by a whole period on a busy machine would supersede one,
        // counted as missed: never two jobs, never an off-grid one).
        Assert.All(ticks.Zip(ticks.Skip(1)), p => Assert.True(p.Second.Tick > p.First.Tick && (p.Second.Tick - p.First.Tick).TotalSeconds % 2 == 0,
            $"ticks {p.First.Tick:O} and {p.Second.Tick:O} are not consecutive occurrences of */2"));

        // The cluster's queue holds exactly one job per tick (ticks after the snapshot, before the removal, may add more,
        // each again an occurrence of its own).
        var jobs = await ScheduleCorpus.JobsOfAsync(fixture.Grains, name);
        Assert.Subset(jobs.ToHashSet(), ticks.Select(j => j.JobId).ToHashSet());
        Assert.Equal(jobs.Count, jobs.Distinct().Count());
        foreach (var tick in ticks)
        {
            var status = await JobTestHelpers.WaitForFinalAsync(fixture.Grains.GetGrain<IJobGrain>(tick.JobId), Timeout);
            var output = Path.Combine(corpus.Root, "out", name, tick.Tick.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture));
            Assert.True(status.State == JobState.Succeeded && status.DoneItems == 3, $"expected job {tick.JobId} to embed 3 images, got {status}");
            Assert.Equal(output, status.Output);
            Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")), $"expected {output}/_SUCCESS");
        }
    }
}
