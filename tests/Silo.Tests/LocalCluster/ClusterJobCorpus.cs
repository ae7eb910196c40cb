using Pipeline.Models.Tests.Loading;
using Pipeline.Silo.Tests.Support;

namespace Pipeline.Silo.Tests.LocalCluster;

/// <summary>
/// What the cluster job tests share: a corpus folder (readable PNG/JPEG plus 2 corrupt files), a timm convnext_v1_tiny
/// model folder, and the reference output of the same job run undisturbed in embedded mode to a local folder.
/// </summary>
public sealed class ClusterJobCorpus : IAsyncLifetime
{
    public const int Images = 400;
    public const int Corrupt = 2;
    public const int ShardSize = 10;

    private readonly ModelFolderBuilder models = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pipeline-cluster-jobs-" + Guid.NewGuid().ToString("N")[..8]);

    public string Corpus => Path.Combine(Root, "corpus");

    public string Model { get; private set; } = "";

    /// <summary>File names of the images every run must embed.</summary>
    public IReadOnlyList<string> Readable { get; private set; } = [];

    internal EmbedOutputFolder Reference { get; private set; } = null!;

    /// <summary>Wall time of the embedded reference run (one in-process silo, one worker), process start to exit.</summary>
    public TimeSpan ReferenceWallTime { get; private set; }

    /// <summary>The <c>pipeline embed</c> arguments every run uses, to the given output.</summary>
    public string[] EmbedArguments(string output, params string[] more) =>
        ["embed", "--input", Corpus, "--model", Model, "--output", output, "--shard-size", ShardSize.ToString(), "--json", .. more];

    public async Task InitializeAsync()
    {
        Readable = TestCorpus.Write(Corpus, Images, Corrupt);
        // 448 px makes the tiny ConvNeXt cost enough per image (~tens of ms) that a job runs long enough to disturb.
        Model = models.TimmFolder("convnext_v1_tiny", ModelFolderBuilder.TimmPretrainedCfg(448, 1.0));
        var output = Path.Combine(Root, "reference");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = await CliRun.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(5), EmbedArguments(output));
        ReferenceWallTime = watch.Elapsed;
        Assert.True(run.ExitCode == 2, $"expected the embedded reference run to complete with errors (exit code 2: the {Corrupt} corrupt files), {run}");
        Reference = await EmbedOutputFolder.ReadAsync(output);
        Assert.True(Reference.Rows.Count == Images, $"expected {Images} reference rows, saw {Reference.Rows.Count}");
    }

    public Task DisposeAsync()
    {
        models.Dispose();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
