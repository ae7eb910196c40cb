using System.Diagnostics;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;
using Xunit.Abstractions;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// With a lease far longer than the job, a task leased by a worker of a silo that is then killed must come back when
/// membership declares the silo dead (the job grain's reclaim checks the silo's status), not when the lease expires.
/// The silo crashes silently (<see cref="SilentCrash"/>): the survivors must miss its probes and vote it dead.
/// </summary>
[Collection(FaultCorpusCollection.Name)]
public sealed class DeadSiloLeaseTests(FaultCorpusFixture corpus, ITestOutputHelper log)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    /// <summary>Well before the lease would expire, and enough for death detection plus the rest of the job on a busy CI machine.</summary>
    private static readonly TimeSpan FinishWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ALeaseOfAKilledSiloReturnsWhenMembershipDeclaresItDeadLongBeforeItExpires()
    {
        var reference = await corpus.ReferenceAsync();
        await using var cluster = await FaultCluster.StartAsync(corpus.Azurite.ConnectionString, new FaultClusterSettings { LeaseDuration = Lease });
        const string jobId = "dead-silo-lease";
        var job = cluster.Job(jobId);
        var submitted = await job.SubmitAsync(corpus.Spec(jobId));
        Assert.True(submitted.Accepted, submitted.Error);
        var host = await cluster.JobSiloAsync(jobId, TimeSpan.FromSeconds(30));
        var victim = cluster.Host.GetActiveSilos().Where(s => !s.SiloAddress.Equals(host.SiloAddress)).OrderBy(s => s.Name).First();

        // The test takes a lease exactly as a worker of the victim silo does (its silo address in WorkerInfo) and never
        // renews or reports it: the victim's own worker may or may not hold a lease at the instant of the kill, this one
        // always does, so only the victim's death can return it before the 10 minute expiry.
        var worker = new WorkerInfo { WorkerId = $"{victim.SiloAddress.ToParsableString()}/held-by-test", Silo = victim.SiloAddress };
        var held = await Poll.UntilAsync(() => job.LeaseTaskAsync(worker), TimeSpan.FromSeconds(30), () => "a lease for a worker on the victim silo");
        Assert.True(held.ExpiresAt - DateTimeOffset.UtcNow > Lease - TimeSpan.FromMinutes(1), $"expected a 10 minute lease, got one until {held.ExpiresAt}");

        var sinceKill = Stopwatch.StartNew();
        await cluster.CrashSiloAsync(victim);
        await cluster.WaitUntilDeclaredDeadAsync(victim, TimeSpan.FromSeconds(30));
        var declaredDead = sinceKill.Elapsed;
        var status = await FaultAssertions.WaitForFinalAsync(job, FinishWithin);
        var elapsed = sinceKill.Elapsed;

        log.WriteLine($"crashed {victim.Name} holding task {held.Task}'s lease (until {held.ExpiresAt:HH:mm:ss}); declared dead after {declaredDead.TotalSeconds:F1} s, job finished {elapsed.TotalSeconds:F1} s after the crash " +
                      $"(undisturbed job {reference.Elapsed.TotalSeconds:F1} s); retries {status.Retries}");
        Assert.True(status.Retries >= 1, $"expected task {held.Task} to be handed out again after its silo died, got {status}");
        var output = await JobOutput.ReadAsync(corpus.Stores.Open(StorageLocation.Parse(corpus.Spec(jobId).Output)), status.TotalTasks);
        FaultAssertions.ExactlyOnce(corpus, status, output);
        FaultAssertions.SameEmbeddings(reference, output);
    }
}
