using System.Diagnostics;
using Orleans.TestingHost;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Xunit.Abstractions;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// Killing a silo mid-job loses nothing (DESIGN.md, "Reliability"): after a seeded-random number of tasks a
/// seeded-random silo is killed (for some seeds the one hosting the job grain; for some silently, see
/// <see cref="SilentCrash"/>), sometimes replaced, and the job must
/// still finish with exactly one row per readable image, the corrupt files as its only failures, and embeddings equal
/// to an undisturbed run's.
/// </summary>
[Collection(FaultCorpusCollection.Name)]
public sealed class SiloKillTests(FaultCorpusFixture corpus, ITestOutputHelper log)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(100, 24).Select(seed => new object[] { seed, seed % 3 == 0 });

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public Task KillingASiloMidJobLosesNothing(int seed, bool killJobGrainSilo) => KillScenarioAsync(seed, killJobGrainSilo);

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Seeds))]
    public Task KillingASiloMidJobLosesNothingOverManySeeds(int seed, bool killJobGrainSilo) => KillScenarioAsync(seed, killJobGrainSilo);

    /// <summary>Both at once: a silo dies while every storage call has a 20% chance to fail.</summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(200, true)]
    [InlineData(201, false)]
    [InlineData(202, true)]
    [InlineData(203, false)]
    [InlineData(204, true)]
    [InlineData(205, false)]
    public Task KillingASiloMidJobOnFaultyStorageLosesNothing(int seed, bool killJobGrainSilo) =>
        KillScenarioAsync(seed, killJobGrainSilo, new StorageChaosOptions { FaultRate = 0.2, StallRate = 0.02, Stall = TimeSpan.FromMilliseconds(100), Seed = seed });

    private async Task KillScenarioAsync(int seed, bool killJobGrainSilo, StorageChaosOptions? chaos = null)
    {
        var reference = await corpus.ReferenceAsync();
        var random = new Random(seed);
        int killAfter = random.Next(1, FaultCorpusFixture.Tasks / 2);
        bool replace = random.Next(2) == 0;
        bool silent = random.Next(2) == 0;
        await using var cluster = await FaultCluster.StartAsync(corpus.Azurite.ConnectionString, new FaultClusterSettings { Chaos = chaos });
        var jobId = $"kill-{seed}";
        var job = cluster.Job(jobId);
        var clock = Stopwatch.StartNew();
        var submitted = await job.SubmitAsync(corpus.Spec(jobId));
        Assert.True(submitted.Accepted, submitted.Error);

        JobStatus? seen = null;
        await Poll.UntilAsync(async () =>
        {
            seen = await job.GetStatusAsync();
            return seen.CompletedTasks >= killAfter || seen.IsFinal ? seen : null;
        }, JobTimeout, () => $"{killAfter} completed tasks", () => seen?.ToString() ?? "no status");
        var host = await cluster.JobSiloAsync(jobId, TimeSpan.FromSeconds(30));
        var others = cluster.Host.GetActiveSilos().Where(s => !s.SiloAddress.Equals(host.SiloAddress)).OrderBy(s => s.Name).ToList();
        var victim = killJobGrainSilo ? host : others[random.Next(others.Count)];
        var before = await job.GetStatusAsync();
        Assert.False(before.IsFinal, $"the job finished before the kill (after {killAfter} tasks), so nothing was tested: {before}");

        var sinceKill = Stopwatch.StartNew();
        if (silent) await cluster.CrashSiloAsync(victim);
        else await cluster.Host.KillSiloAsync(victim);
        // A silo that joins while a crashed one is not yet declared dead fails its connectivity check, and in one run its
        // retries did not succeed before MaxJoinAttemptTime (5 min): start the replacement once the death is known.
        if (silent && replace) await cluster.WaitUntilDeclaredDeadAsync(victim, TimeSpan.FromSeconds(30));
        InProcessSiloHandle? replacement = replace ? await cluster.Host.StartAdditionalSiloAsync() : null;
        var status = await FaultAssertions.WaitForFinalAsync(job, JobTimeout);
        var killToFinish = sinceKill.Elapsed;
        var total = clock.Elapsed;

        log.WriteLine($"seed {seed}: {(silent ? "crashed (silently)" : "killed")} {(victim == host ? "the job grain's silo" : "a worker silo")} {victim.Name} after {before.CompletedTasks}/{before.TotalTasks} tasks" +
                      $"{(replacement is null ? "" : $", replaced by {replacement.Name}")}; kill to finish {killToFinish.TotalSeconds:F1} s, submit to finish " +
                      $"{total.TotalSeconds:F1} s (undisturbed {reference.Elapsed.TotalSeconds:F1} s); retries {status.Retries}");
        var output = await JobOutput.ReadAsync(corpus.Stores.Open(StorageLocation.Parse(corpus.Spec(jobId).Output)), status.TotalTasks);
        FaultAssertions.ExactlyOnce(corpus, status, output);
        FaultAssertions.SameEmbeddings(reference, output);
    }
}
