using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts.Schedules;

namespace Pipeline.Grains.Tests.Schedules;

/// <summary>Bad schedules are refused at add with messages that say what is wrong and how to fix it; nothing is stored.</summary>
public sealed class ScheduleValidationTests : IAsyncLifetime
{
    private readonly ScheduleCorpus corpus = new(images: 1);
    private HandCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await HandCluster.StartAsync(clock: new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z")));

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        corpus.Dispose();
    }

    private async Task<string> RefusedAsync(ScheduleSpec spec, string key)
    {
        var result = await cluster.Grains.GetGrain<IScheduleGrain>(key).AddAsync(spec, replace: false);
        Assert.False(result.Accepted, $"expected schedule '{key}' to be refused, it was accepted: {result.Info}");
        Assert.Null(await cluster.Grains.GetGrain<IScheduleGrain>(key).GetAsync());
        return string.Join("\n", result.Errors);
    }

    [Theory]
    [InlineData("0 2 * *", "has 4 fields")]
    [InlineData("0 2 * * * * *", "has 7 fields")]
    [InlineData("0 25 * * *", "is not a cron expression")]
    [InlineData("every night", "has 2 fields")]
    [InlineData("", "--cron is required")]
    public async Task ABadCronIsRefusedWithAnExample(string cron, string expected)
    {
        var errors = await RefusedAsync(corpus.Spec("bad-cron", cron), "bad-cron");

        Assert.Contains(expected, errors);
        Assert.Contains("\"0 2 * * *\"", errors);
    }

    [Fact]
    public async Task ACronThatNeverFiresIsRefused()
    {
        var errors = await RefusedAsync(corpus.Spec("never", "0 0 30 2 *"), "never");

        Assert.Contains("never fires", errors);
    }

    [Fact]
    public async Task AnUnknownTimeZoneIsRefused()
    {
        var errors = await RefusedAsync(corpus.Spec("zone", "0 2 * * *", zone: "Mars/Olympus_Mons"), "zone");

        Assert.Contains("--time-zone 'Mars/Olympus_Mons' is not a known time zone", errors);
        Assert.Contains("Europe/Berlin", errors);
    }

    [Theory]
    [InlineData("bad/name")]
    [InlineData("-leading-dash")]
    [InlineData("a-name-far-too-long-for-the-job-ids-it-makes")]
    public async Task ABadNameIsRefused(string name)
    {
        var errors = await RefusedAsync(corpus.Spec(name, "0 2 * * *"), name);

        Assert.Contains($"--name '{name}' is not valid", errors);
        Assert.Contains($"1-{ScheduleTemplate.MaxNameLength} letters", errors);
    }

    [Fact]
    public async Task ATemplateThatFailsItsKindsValidationIsRefusedWithTheKindsMessage()
    {
        var template = corpus.Template() with { BatchSize = 0, Output = Path.Combine(corpus.Root, "out/{dat}") };
        var errors = await RefusedAsync(corpus.Spec("bad-template", "0 2 * * *", template: template), "bad-template");

        Assert.Contains("job template (embed): --batch-size 0 is out of range", errors);
        Assert.Contains("--output holds {dat}, which is not a placeholder", errors);
    }

    [Fact]
    public async Task ATemplateWritingIntoItsInputIsRefusedAsRenderedForTheNextTick()
    {
        var template = corpus.Template() with { Output = Path.Combine(corpus.Input, "{date}") };
        var errors = await RefusedAsync(corpus.Spec("inside", "0 2 * * *", template: template), "inside");

        Assert.Contains($"{corpus.Input}/2026-11-29 is --input or inside it", errors);
    }

    [Fact]
    public async Task ADifferentScheduleUnderATakenNameNeedsReplace()
    {
        var grain = cluster.Grains.GetGrain<IScheduleGrain>("taken");
        Assert.True((await grain.AddAsync(corpus.Spec("taken", "0 2 * * *"), replace: false)).Accepted);

        var again = await grain.AddAsync(corpus.Spec("taken", "0 2 * * *"), replace: false);
        var other = await grain.AddAsync(corpus.Spec("taken", "0 3 * * *"), replace: false);
        var replaced = await grain.AddAsync(corpus.Spec("taken", "0 3 * * *"), replace: true);

        Assert.True(again.Accepted, $"an identical add must be accepted (idempotent), got: {string.Join("; ", again.Errors)}");
        Assert.False(other.Accepted, "a different spec under a taken name must be refused without --replace");
        Assert.Contains("pass --replace", string.Join("\n", other.Errors));
        Assert.True(replaced.Accepted, string.Join("; ", replaced.Errors));
        Assert.Equal("0 3 * * *", (await grain.GetAsync())!.Spec.Cron);
        Assert.Equal(DateTimeOffset.Parse("2026-11-29T03:00:00Z"), replaced.Info!.NextTick);
    }
}
