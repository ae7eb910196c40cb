using Pipeline.Contracts.Jobs;
using Pipeline.Models.Tests.Diffusion;
using Pipeline.Storage;
using Pipeline.Storage.Commit;
using Xunit.Abstractions;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// Killing the job grain's silo in the middle of a generation job loses nothing: the job finishes with every image once,
/// byte-identical to an undisturbed run of the same spec on the same cluster.
/// </summary>
[Collection(FaultCorpusCollection.Name)]
public sealed class GenerateSiloKillTests(FaultCorpusFixture corpus, ITestOutputHelper log) : IDisposable
{
    private const int Prompts = 30;
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);
    private readonly string root = Directory.CreateTempSubdirectory("pipeline-generate-kill-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task KillingTheJobSiloMidGeneration_LosesNothing_AndChangesNoImage()
    {
        var model = TinyDiffusersFolder.Write(Path.Combine(root, "model"));
        var prompts = Path.Combine(root, "prompts.txt");
        await File.WriteAllLinesAsync(prompts, Enumerable.Range(0, Prompts).Select(i => $"prompt number {i}"));
        GenerateJobSpec Spec(string name) => new() { Prompts = prompts, Model = model, Output = $"az://generated-kill/{name}", Size = 64, ShardSize = 1, BatchSize = 1, Seed = 7 };

        await using var cluster = await FaultCluster.StartAsync(corpus.Azurite.ConnectionString, new FaultClusterSettings());
        var reference = await FaultAssertions.WaitForFinalAsync(await SubmitAsync(cluster, "gen-reference", Spec("reference")), JobTimeout);
        Assert.Equal(JobState.Succeeded, reference.State);

        var job = await SubmitAsync(cluster, "gen-kill", Spec("kill"));
        JobStatus? seen = null;
        await Poll.UntilAsync(async () =>
        {
            seen = await job.GetStatusAsync();
            return seen.CompletedTasks >= 2 || seen.IsFinal ? seen : null;
        }, JobTimeout, () => "2 completed tasks", () => seen?.ToString() ?? "no status");
        var host = await cluster.JobSiloAsync("gen-kill", TimeSpan.FromSeconds(30));
        var before = await job.GetStatusAsync();
        Assert.False(before.IsFinal, $"the job finished before the kill, so nothing was tested: {before}");
        await cluster.Host.KillSiloAsync(host);
        var status = await FaultAssertions.WaitForFinalAsync(job, JobTimeout);
        log.WriteLine($"killed {host.Name} after {before.CompletedTasks}/{before.TotalTasks} tasks; final {status}");

        Assert.Equal(JobState.Succeeded, status.State);
        var expected = await ImagesAsync(Spec("reference"));
        var actual = await ImagesAsync(Spec("kill"));
        Assert.Equal(Prompts, actual.Count);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (path, png) in expected)
            Assert.True(png.AsSpan().SequenceEqual(actual[path]), $"{path} differs from the undisturbed run");
    }

    private static async Task<IJobGrain> SubmitAsync(FaultCluster cluster, string jobId, GenerateJobSpec spec)
    {
        var job = cluster.Job(jobId);
        var submitted = await job.SubmitAsync(spec);
        Assert.True(submitted.Accepted, submitted.Error);
        return job;
    }

    /// <summary>Every image the committed metadata names, by path; a path named twice fails the test.</summary>
    private async Task<Dictionary<string, byte[]>> ImagesAsync(GenerateJobSpec spec)
    {
        var output = corpus.Stores.Open(StorageLocation.Parse(spec.Output));
        var images = new Dictionary<string, byte[]>();
        for (int shard = 0; shard < Prompts; shard++)
        {
            var rows = await ParquetFiles.ReadAsync<GenerationMetadataRow>(new MemoryStream(await output.ReadAllBytesAsync(OutputLayout.Metadata(shard))));
            foreach (var row in rows)
                Assert.True(images.TryAdd(row.ImagePath, await output.ReadAllBytesAsync(row.ImagePath)), $"{row.ImagePath} is listed twice");
        }
        return images;
    }
}
