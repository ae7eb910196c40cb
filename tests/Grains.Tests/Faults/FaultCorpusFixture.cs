using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.Jobs;
using Pipeline.Models.Tests.Loading;
using Pipeline.Storage;
using Pipeline.Storage.Azurite;
using SkiaSharp;

namespace Pipeline.Grains.Tests.Faults;

/// <summary>
/// Shared by the fault tests: one Azurite, a corpus of <see cref="Images"/> small generated images plus two corrupt
/// files in blob storage, a tiny DINOv2 timm folder, and the output of one undisturbed run of that corpus on a
/// 3-silo cluster (the reference every disturbed run must reproduce bit for bit).
/// </summary>
public sealed class FaultCorpusFixture : IAsyncLifetime
{
    public const int Images = 240;
    public const int ShardSize = 12;
    public const string Input = "az://corpus/faults";
    public static readonly string[] CorruptFiles = ["img-0077-bad.jpg", "img-0191-bad.png"];
    public static readonly int Tasks = (Images + CorruptFiles.Length + ShardSize - 1) / ShardSize;

    private readonly ModelFolderBuilder folders = new();
    private ServiceProvider? services;
    private Task<Reference>? reference;

    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Reads outputs without chaos, whatever the cluster under test injects.</summary>
    public IObjectStoreFactory Stores { get; private set; } = null!;

    public string Model { get; private set; } = "";

    public IReadOnlySet<string> Readable { get; private set; } = new HashSet<string>();

    public IReadOnlySet<string> Corrupt { get; } = CorruptFiles.Select(f => $"{Input}/{f}").ToHashSet();

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddLogging();
        collection.AddPipelineStorage();
        collection.Configure<StorageOptions>(o => o.ConnectionString = Azurite.ConnectionString);
        services = collection.BuildServiceProvider();
        Stores = services.GetRequiredService<IObjectStoreFactory>();
        Model = folders.TimmFolder("dinov2_tiny", ModelFolderBuilder.TimmPretrainedCfg(56, 1.0));

        var files = new Dictionary<string, byte[]>();
        var random = new Random(20261201);
        for (int i = 0; i < Images; i++)
        {
            var color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            var jpeg = i % 3 == 0;
            files[$"img-{i:D4}.{(jpeg ? "jpg" : "png")}"] = TestImages.Encode(24 + random.Next(48), 24 + random.Next(48), color,
                jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png);
        }
        Readable = files.Keys.Select(k => $"{Input}/{k}").ToHashSet();
        files[CorruptFiles[0]] = Encoding.ASCII.GetBytes("not a JPEG: a text file with an image name");
        files[CorruptFiles[1]] = TestImages.Encode(40, 40, SKColors.Olive)[..24]; // a PNG cut off inside its header
        var corpus = Stores.Open(StorageLocation.Parse(Input));
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (f, ct) => await corpus.WriteAsync(f.Key, f.Value, ct));
    }

    public EmbedJobSpec Spec(string jobId) => new()
    {
        Input = Input, Model = Model, Output = $"az://outputs/{jobId}", BatchSize = 4, ShardSize = ShardSize,
    };

    /// <summary>The undisturbed run, made once per fixture on first use.</summary>
    public Task<Reference> ReferenceAsync() => reference ??= RunUndisturbedAsync();

    private async Task<Reference> RunUndisturbedAsync()
    {
        await using var cluster = await FaultCluster.StartAsync(Azurite.ConnectionString, new FaultClusterSettings());
        const string jobId = "undisturbed";
        var clock = Stopwatch.StartNew();
        var submitted = await cluster.Job(jobId).SubmitAsync(Spec(jobId));
        Assert.True(submitted.Accepted, submitted.Error);
        var status = await FaultAssertions.WaitForFinalAsync(cluster.Job(jobId), TimeSpan.FromMinutes(3));
        var elapsed = clock.Elapsed;
        var output = await JobOutput.ReadAsync(Stores.Open(StorageLocation.Parse(Spec(jobId).Output)), status.TotalTasks);
        FaultAssertions.ExactlyOnce(this, status, output);
        return new Reference(output.Rows.ToDictionary(r => r.ImagePath, r => r.Embedding), elapsed);
    }

    public async Task DisposeAsync()
    {
        if (services is not null) await services.DisposeAsync();
        await Azurite.DisposeAsync();
        folders.Dispose();
    }

    /// <summary>Embeddings by image path, and how long the undisturbed job took from submit to its final state.</summary>
    public sealed record Reference(IReadOnlyDictionary<string, float[]> Embeddings, TimeSpan Elapsed);
}

[CollectionDefinition(Name)]
public sealed class FaultCorpusCollection : ICollectionFixture<FaultCorpusFixture>
{
    public const string Name = "fault corpus";
}
