using Pipeline.Contracts.Index;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Tests.Index;
using Pipeline.Storage;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// Killing a silo that holds index shards: the query service answers again, the same answer, once the shard grains
/// are activated (and their shards loaded) on the surviving silos.
/// </summary>
[Collection(FaultCorpusCollection.Name)]
public sealed class IndexShardSiloKillTests(FaultCorpusFixture corpus)
{
    private const int Dim = 12;

    [Theory]
    [InlineData(true, "exact")]
    [InlineData(false, "hnsw")]
    public async Task QueriesAreAnsweredAgain_AfterTheSiloHoldingShardsDies(bool silent, string kind)
    {
        await using var cluster = await FaultCluster.StartAsync(corpus.Azurite.ConnectionString, new FaultClusterSettings());
        var embeddings = $"az://embeddings/kill-index-{kind}";
        var stores = corpus.Stores;
        IReadOnlyList<(float[], int)> shards = [.. Enumerable.Range(0, 6).Select(s => (EmbedOutputBuilder.Clustered(40, Dim, seed: 10 + s), Dim))];
        await EmbedOutputBuilder.WriteAsync(stores.Open(StorageLocation.Parse(embeddings)), shards);
        var spec = new IndexJobSpec { Embeddings = embeddings, Output = IndexJobSpec.DefaultOutput(embeddings, kind), IndexKind = kind, RowsPerShard = 40 };
        var job = cluster.Job($"kill-index-{kind}");
        Assert.True((await job.SubmitAsync(spec)).Accepted);
        Assert.Equal(JobState.Succeeded, (await FaultAssertions.WaitForFinalAsync(job, TimeSpan.FromMinutes(2))).State);

        var location = StorageLocation.Parse(spec.Output).ToString();
        var queries = EmbedOutputBuilder.Clustered(4, Dim, seed: 77);
        var before = await cluster.Client.GetGrain<IIndexQueryGrain>(location).SearchAsync(queries, Dim, 10);

        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var hosts = new List<SiloAddress>();
        for (int shard = 0; shard < 6; shard++)
            if (await management.GetActivationAddress(cluster.Client.GetGrain<IIndexShardGrain>(IndexGrainKeys.Shard(location, shard))) is { } address)
                hosts.Add(address);
        var victimAddress = hosts.GroupBy(h => h).OrderByDescending(g => g.Count()).First().Key;
        var victim = cluster.Host.GetSiloForAddress(victimAddress)!;
        if (silent) await cluster.CrashSiloAsync(victim);
        else await cluster.Host.KillSiloAsync(victim);

        string lastError = "";
        var after = await Poll.UntilAsync<IReadOnlyList<Neighbor[]>>(async () =>
        {
            try
            {
                return await cluster.Client.GetGrain<IIndexQueryGrain>(location).SearchAsync(queries, Dim, 10);
            }
            catch (Exception e) when (e is not InvalidDataException and not ArgumentException)
            {
                lastError = e.GetType().Name + ": " + e.Message;
                return null;
            }
        }, TimeSpan.FromSeconds(90), () => "the index to answer again after the kill", () => lastError);

        // The victim held shards (chosen so), so the answer came from shard grains activated again on the survivors.
        Assert.Equal(before.Select(q => q.Select(n => (n.ImagePath, n.Score))), after.Select(q => q.Select(n => (n.ImagePath, n.Score))));
        Assert.DoesNotContain(cluster.Host.GetActiveSilos(), s => s.SiloAddress.Equals(victimAddress));
    }
}
