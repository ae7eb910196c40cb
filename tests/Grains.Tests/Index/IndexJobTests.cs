using Pipeline.Contracts.Index;
using Pipeline.Contracts.Jobs;
using Pipeline.Grains.Tests.Jobs;
using Pipeline.Index.Sharded;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Grains.Tests.Index;

/// <summary>Index jobs on the shared one-silo cluster over Azurite: the job kind, index.json, and queries through the shard grains.</summary>
[Collection(EmbedClusterCollection.Name)]
public sealed class IndexJobTests(EmbedClusterFixture fixture)
{
    private const int Dim = 16;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private IObjectStore Store(string location) => fixture.Stores.Open(StorageLocation.Parse(location));

    private async Task<(IndexJobSpec Spec, JobStatus Status)> BuildAsync(string name, IReadOnlyList<(float[], int)> shards, string kind = "exact",
        string metric = "cosine", long? rowsPerShard = 100, string storage = "float32")
    {
        var embeddings = $"az://embeddings/{name}";
        await EmbedOutputBuilder.WriteAsync(Store(embeddings), shards);
        var spec = new IndexJobSpec
        {
            Embeddings = embeddings, Output = IndexJobSpec.DefaultOutput(embeddings, kind), IndexKind = kind, Metric = metric,
            RowsPerShard = rowsPerShard, Storage = storage, RecallQueries = 50,
        };
        var job = fixture.Grains.GetGrain<IJobGrain>($"index-{name}");
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, $"expected the index spec to be accepted, got: {submitted.Error}");
        return (spec, await JobTestHelpers.WaitForFinalAsync(job, JobTimeout));
    }

    private static IReadOnlyList<(float[], int)> ThreeShards(int seed) =>
        [(EmbedOutputBuilder.Clustered(60, Dim, seed), Dim), (EmbedOutputBuilder.Clustered(50, Dim, seed + 1), Dim), (EmbedOutputBuilder.Clustered(70, Dim, seed + 2), Dim)];

    [Fact]
    public async Task AnExactIndexJob_GroupsShardsUnderItsRowBudget_WritesIndexJson_AndAnswersAsBruteForceDoes()
    {
        var shards = ThreeShards(1);
        var (spec, status) = await BuildAsync("exact-cosine", shards);

        Assert.Equal(JobState.Succeeded, status.State);
        var manifest = await IndexManifests.ReadAsync(Store(spec.Output));
        Assert.Equal(("exact", "cosine", Dim, 180L), (manifest.Kind, manifest.Metric, manifest.Dimension, manifest.Rows));
        // 60 + 50 > 100 rows: every embedding shard is its own index shard.
        Assert.Equal([[0], [1], [2]], manifest.Shards.Select(s => s.EmbeddingShards.ToArray()).ToArray());
        Assert.Equal("test-model", manifest.Model);
        Assert.Equal("embed-job", manifest.EmbedJobId);
        Assert.Null(manifest.RecallAt10);

        var all = shards.SelectMany(s => s.Item1).ToArray();
        var paths = shards.SelectMany((s, shard) => Enumerable.Range(0, s.Item1.Length / Dim).Select(r => EmbedOutputBuilder.PathOf(shard, r))).ToArray();
        var queries = EmbedOutputBuilder.Clustered(5, Dim, seed: 99);
        var answers = await fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString()).SearchAsync(queries, Dim, 7);

        for (int q = 0; q < 5; q++)
        {
            var expected = BruteForceCosine(all, queries.AsSpan(q * Dim, Dim).ToArray()).Take(7).ToArray();
            Assert.Equal(expected.Select(e => paths[e.Row]), answers[q].Select(n => n.ImagePath));
            for (int r = 0; r < 7; r++) Assert.Equal(expected[r].Score, answers[q][r].Score, 1e-4);
        }
    }

    [Fact]
    public async Task AnHnswIndexJob_RecordsItsParametersAndRecall_AndFindsEachRowFirst()
    {
        var shards = ThreeShards(11);
        var (spec, status) = await BuildAsync("hnsw-cosine", shards, kind: "hnsw", storage: "float16");

        Assert.Equal(JobState.Succeeded, status.State);
        var manifest = await IndexManifests.ReadAsync(Store(spec.Output));
        Assert.Equal(("hnsw", 180L, 3), (manifest.Kind, manifest.Rows, manifest.Shards.Count));
        Assert.True(manifest.RecallAt10 >= 0.9, $"recall@10 {manifest.RecallAt10}");
        Assert.Equal(150, manifest.RecallQueries);
        Assert.All(manifest.Shards, s => Assert.True(s.Parameters["connectivity"] >= 8 && s.Parameters["expansion_search"] >= 16, string.Join(", ", s.Parameters)));
        foreach (var file in manifest.Shards.SelectMany(s => s.Files))
            Assert.True(await Store(spec.Output).ExistsAsync(file), $"{file} is listed in index.json but missing");

        var index = fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString());
        var answers = await index.SearchAsync(shards[1].Item1.AsSpan(7 * Dim, 2 * Dim).ToArray(), Dim, 5);
        Assert.Equal(EmbedOutputBuilder.PathOf(1, 7), answers[0][0].ImagePath);
        Assert.Equal(EmbedOutputBuilder.PathOf(1, 8), answers[1][0].ImagePath);
        Assert.Equal(1.0, answers[0][0].Score, 2e-3);
    }

    [Fact]
    public async Task RowsWithNaN_AreSkippedAndReported_NeverIndexed()
    {
        var shards = ThreeShards(2);
        shards[1].Item1[3 * Dim + 5] = float.NaN;
        var (spec, status) = await BuildAsync("nan-rows", shards, rowsPerShard: 1000);

        Assert.Equal(JobState.CompletedWithErrors, status.State);
        Assert.Equal(1, status.FailedItems);
        var manifest = await IndexManifests.ReadAsync(Store(spec.Output));
        Assert.Equal((179L, 1L), (manifest.Rows, manifest.SkippedRows));
        Assert.Single(manifest.Shards);
        var failures = await ParquetFiles.ReadAsync<FailureRow>(new MemoryStream(await Store(spec.Output).ReadAllBytesAsync(OutputLayout.Failures(0))));
        var failure = Assert.Single(failures);
        Assert.Equal(EmbedOutputBuilder.PathOf(1, 3), failure.ImagePath);
        Assert.Contains("NaN", failure.Error, StringComparison.Ordinal);

        var nanRow = shards[1].Item1.AsSpan(3 * Dim, Dim).ToArray();
        nanRow[5] = 0;
        var answers = await fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString()).SearchAsync(nanRow, Dim, 179);
        Assert.Equal(179, answers[0].Length);
        Assert.DoesNotContain(answers[0], n => n.ImagePath == EmbedOutputBuilder.PathOf(1, 3));
    }

    [Fact]
    public async Task AShardOfAnotherDimension_FailsItsTaskNamingTheFile_AndNoIndexJsonIsWritten()
    {
        IReadOnlyList<(float[], int)> shards = [(EmbedOutputBuilder.Clustered(20, Dim, 3), Dim), (EmbedOutputBuilder.Clustered(20, 8, 4), 8)];
        var (spec, status) = await BuildAsync("dim-mismatch", shards, rowsPerShard: 20);

        Assert.Equal(JobState.CompletedWithErrors, status.State);
        var output = Store(spec.Output);
        var jobManifest = await OutputJson.ReadIfPresentAsync<JobManifest>(output, OutputLayout.ManifestFile);
        var failed = Assert.Single(jobManifest!.FailedShards);
        Assert.Contains("img_emb_00001.npy has dimension 8, the job's other shards 16", failed.Error, StringComparison.Ordinal);
        Assert.False(await output.ExistsAsync(IndexLayout.ManifestFile));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => IndexManifests.ReadAsync(output));
        Assert.Contains("no index.json yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingsWithoutAManifest_AreRefusedAtSubmit()
    {
        var embeddings = "az://embeddings/unfinished";
        await Store(embeddings).WriteAsync("img_emb/img_emb_00000.npy", new byte[] { 1, 2, 3 });
        var spec = new IndexJobSpec { Embeddings = embeddings, Output = IndexJobSpec.DefaultOutput(embeddings, "exact"), IndexKind = "exact" };

        var submitted = await fixture.Grains.GetGrain<IJobGrain>("index-unfinished").SubmitAsync(spec);

        Assert.False(submitted.Accepted);
        Assert.Contains("has no manifest.json", submitted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueryOfTheWrongDimension_OrATooLargeK_IsRefusedWithBothNumbers()
    {
        var (spec, status) = await BuildAsync("query-errors", [(EmbedOutputBuilder.Clustered(30, Dim, 5), Dim)]);
        Assert.Equal(JobState.Succeeded, status.State);
        var index = fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString());

        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => index.SearchAsync(new float[8], 8, 5));
        Assert.Contains("dimension 8, the index", wrong.Message, StringComparison.Ordinal);
        Assert.Contains(" 16 ", wrong.Message, StringComparison.Ordinal);
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() => index.SearchAsync(new float[Dim], Dim, 1_000_000));
        Assert.Contains("-k 1000000 is out of range", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorruptShardFile_GivesAnErrorNamingTheShard()
    {
        var (spec, status) = await BuildAsync("corrupt-shard", ThreeShards(6));
        Assert.Equal(JobState.Succeeded, status.State);
        var output = Store(spec.Output);
        await output.WriteAsync(IndexLayout.ShardFile(1, "npy"), new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', 1, 0 });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString()).SearchAsync(new float[Dim], Dim, 3));

        Assert.Contains("index shard 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("shard_00001.npy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VectorOf_ReturnsTheEmbeddingOfAnIndexedImage()
    {
        var shards = ThreeShards(7);
        var (spec, _) = await BuildAsync("vector-of", shards);
        var index = fixture.Grains.GetGrain<IIndexQueryGrain>(StorageLocation.Parse(spec.Output).ToString());

        var vector = await index.VectorOfAsync(EmbedOutputBuilder.PathOf(2, 11));

        Assert.Equal(shards[2].Item1.AsSpan(11 * Dim, Dim).ToArray(), vector);
        Assert.Null(await index.VectorOfAsync("images/not-there.jpg"));
    }

    /// <summary>Cosine similarity in double precision, best first, ties by row.</summary>
    private static IEnumerable<(int Row, double Score)> BruteForceCosine(float[] rows, float[] query)
    {
        double Norm(ReadOnlySpan<float> v) { double s = 0; foreach (var x in v) s += (double)x * x; return Math.Sqrt(s); }
        double qn = Norm(query);
        return Enumerable.Range(0, rows.Length / Dim).Select(r =>
        {
            var row = rows.AsSpan(r * Dim, Dim);
            double dot = 0;
            for (int d = 0; d < Dim; d++) dot += (double)row[d] * query[d];
            return (r, dot / (Norm(row) * qn));
        }).OrderByDescending(x => x.Item2).ThenBy(x => x.r);
    }
}
