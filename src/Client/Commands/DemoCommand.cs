using System.CommandLine;
using System.Diagnostics;
using Pipeline.Client.Demo;
using Pipeline.Client.Hosting;
using Pipeline.Contracts.Jobs;
using Pipeline.Storage;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline demo</c>: the whole system on one machine. Generates a corpus (a few of its files corrupt on purpose),
/// uploads it to Azurite, runs an embed job from Azurite to Azurite on the in-process silo, prints what happened, and
/// copies the outputs to a local folder (this process's Azurite keeps data in memory only). Exits 0 when the job ran as
/// designed: every good image embedded and exactly the corrupt ones reported as failures.
/// </summary>
public static class DemoCommand
{
    private static readonly Option<int> Images = new("--images") { Description = "Good images to generate", DefaultValueFactory = _ => 300 };
    private static readonly Option<int> Corrupt = new("--corrupt") { Description = "Corrupt files to add", DefaultValueFactory = _ => 2 };
    private static readonly Option<string> Model = new("--model") { Description = "Registry name of the model", DefaultValueFactory = _ => "convnext_tiny.fb_in22k_ft_in1k" };
    private static readonly Option<int> BatchSize = new("--batch-size") { DefaultValueFactory = _ => 32 };
    private static readonly Option<int> ShardSize = new("--shard-size") { DefaultValueFactory = _ => 100 };
    private static readonly Option<string> CopyTo = new("--copy-to") { Description = "Local folder the outputs are copied to", DefaultValueFactory = _ => "demo-output" };

    public static Command Create()
    {
        var command = new Command("demo", "Generate a sample corpus, embed it through Azurite on an in-process silo, and report")
        {
            Images, Corrupt, Model, BatchSize, ShardSize, CopyTo,
        };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        int images = parse.GetValue(Images), corrupt = parse.GetValue(Corrupt);
        var jobId = $"demo-{Ulid.NewUlid().ToString().ToLowerInvariant()}";
        var corpusRoot = $"az://demo-corpus/{jobId}";
        var spec = new EmbedJobSpec
        {
            Input = corpusRoot,
            Model = parse.GetValue(Model)!,
            Weights = "random",
            Output = $"az://demo-output/{jobId}",
            BatchSize = parse.GetValue(BatchSize),
            ShardSize = parse.GetValue(ShardSize),
        };

        Console.WriteLine("starting an in-process silo and Azurite ...");
        await using var runtime = await PipelineRuntime.StartAsync(usesBlobPaths: true, cancellationToken);
        var corpus = SampleCorpus.Generate(images, corrupt);
        var input = runtime.Stores.Open(StorageLocation.Parse(corpusRoot));
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (file, ct) => await input.WriteAsync(file.Name, file.Bytes, ct));
        Console.WriteLine($"uploaded {corpus.Count} files ({images} images of mixed sizes and formats, {corrupt} corrupt on purpose) to {corpusRoot}");
        Console.WriteLine($"embedding with {spec.Model} (random weights) into {spec.Output} ...");

        var code = await JobSubmission.SubmitAndWaitAsync(runtime, jobId, spec, wait: true, json: false, cancellationToken);
        var status = await runtime.Grains.GetGrain<IJobGrain>(jobId).GetStatusAsync(cancellationToken);
        var copied = await CopyOutputsAsync(runtime.Stores.Open(StorageLocation.Parse(spec.Output)), Path.Combine(parse.GetValue(CopyTo)!, jobId), cancellationToken);

        bool asDesigned = status.DoneItems == images && status.FailedItems == corrupt &&
                          (status.State == JobState.Succeeded || (corrupt > 0 && status.State == JobState.CompletedWithErrors));
        Console.WriteLine();
        Console.WriteLine($"outputs:   {spec.Output} (in this process's Azurite), copied to {copied}");
        Console.WriteLine($"           img_emb/*.npy, metadata/*.parquet, failures/*.parquet, _shards/, manifest.json, _SUCCESS, job.json");
        Console.WriteLine($"demo took {total.Elapsed.TotalSeconds:F1} s in all");
        Console.WriteLine(asDesigned
            ? $"demo ran as designed: {images} images embedded, the {corrupt} corrupt files reported as failures (exit code of the job itself: {code})"
            : $"demo did NOT run as designed: expected {images} embedded and {corrupt} failed, saw {status.DoneItems} and {status.FailedItems}");
        return asDesigned ? ExitCodes.Succeeded : ExitCodes.FailedOrRefused;
    }

    private static async Task<string> CopyOutputsAsync(IObjectStore output, string folder, CancellationToken cancellationToken)
    {
        await foreach (var entry in output.ListAsync("", cancellationToken))
        {
            var path = Path.Combine(folder, entry.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, await output.ReadAllBytesAsync(entry.Key, cancellationToken), cancellationToken);
        }
        return Path.GetFullPath(folder);
    }
}
