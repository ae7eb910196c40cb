using System.CommandLine;
using System.Globalization;
using Pipeline.Client.Hosting;
using Pipeline.Client.Index;
using Pipeline.Index.Eval;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline eval</c>: frozen-feature evaluation of one embed output (or two, side by side) on a user's labels: the
/// DINOv2 paper's weighted k-NN classifier (k = 20, T = 0.07) and a linear probe (logistic regression in TorchSharp),
/// both on one stratified split of the images that every compared output has.
/// </summary>
public static class EvalCommand
{
    private static readonly Option<string> Embeddings = new("--embeddings") { Description = "An embed job's output", Required = true };
    private static readonly Option<string> Labels = new("--labels") { Description = "A .csv or .parquet with image_path and label columns", Required = true };
    private static readonly Option<double> TestSplit = new("--test-split") { Description = "Share of each class held out for testing", DefaultValueFactory = _ => 0.2 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the split", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> Compare = new("--compare") { Description = "Another embed output of the same images (another backbone), evaluated on the same split" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("eval", "k-NN and linear-probe accuracy of embeddings on labelled images") { Embeddings, Labels, TestSplit, Seed, Compare, Json };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string labelsPath = parse.GetValue(Labels)!;
        double fraction = parse.GetValue(TestSplit);
        int seed = parse.GetValue(Seed);
        if (fraction is <= 0 or >= 1)
        {
            await Console.Error.WriteLineAsync($"refused: --test-split {fraction} must be between 0 and 1 (0.2 holds out a fifth of each class).");
            return ExitCodes.FailedOrRefused;
        }
        string[] outputs = parse.GetValue(Compare) is { } other ? [parse.GetValue(Embeddings)!, other] : [parse.GetValue(Embeddings)!];
        // Only storage is needed (no silo): the evaluation runs here, in TorchSharp.
        await using var runtime = await PipelineRuntime.StartAsync(JobSubmission.UsesBlobPaths([labelsPath, .. outputs]), cancellationToken);
        var bytes = await new ImageBytes(runtime.Stores).ReadAsync(labelsPath, cancellationToken);
        var labelled = await LabelFile.ReadAsync(new MemoryStream(bytes), Path.GetFileName(labelsPath), cancellationToken);
        var wanted = labelled.Select(l => l.ImagePath).ToHashSet(StringComparer.Ordinal);
        var lookups = new List<EmbeddingLookup>();
        foreach (var output in outputs) lookups.Add(await EmbeddingLookup.ReadAsync(runtime.Stores, output, wanted, cancellationToken));

        var usable = labelled.Where(l => lookups.All(e => e.RowOfImage.ContainsKey(l.ImagePath))).ToList();
        if (usable.Count == 0)
            throw new ArgumentException($"none of the {labelled.Count} images in {labelsPath} has an embedding in {string.Join(" and ", outputs)}: " +
                                        "image_path must be written as the embed job's metadata has it (for example " +
                                        $"{lookups[0].RowOfImage.Keys.FirstOrDefault() ?? "the corpus path"}).");
        var split = LabelledSplit.Split(usable, fraction, seed);
        var classes = LabelClasses.From(usable);
        var results = lookups.Select(lookup => new EvalEntry(lookup.Location, lookup.Model, lookup.Dimension,
            EmbeddingEvaluation.Run(Features(lookup, split.Train, classes), Features(lookup, split.Test, classes), classes.Count))).ToList();
        var result = new EvalResult(labelsPath, fraction, seed, split.Train.Count, split.Test.Count, classes.Count, labelled.Count - usable.Count, results);

        if (parse.GetValue(Json))
        {
            CliJson.WriteDocument(Console.Out, result);
            return ExitCodes.Succeeded;
        }
        Console.WriteLine($"eval: {result.TrainImages} train / {result.TestImages} test images, {result.Classes} classes (test split {fraction}, seed {seed})");
        if (result.LabelledWithoutEmbedding > 0)
            Console.WriteLine($"note: {result.LabelledWithoutEmbedding} labelled images have no embedding in every output (failed or not in the corpus) and are left out.");
        Console.WriteLine($"{"embeddings",-48} {"dim",5} {"k-NN top-1",11} {"k-NN top-5",11} {"linear top-1",13}");
        foreach (var entry in results)
        {
            var r = entry.Report;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Shorten(entry.Embeddings),-48} {entry.Dimension,5} {r.KnnTop1,11:P1} {(r.KnnTop5 is { } t5 ? t5.ToString("P1", CultureInfo.InvariantCulture) : "-"),11} {r.LinearTop1,13:P1}"));
        }
        return ExitCodes.Succeeded;
    }

    // Every item has a row in every lookup (usable images only), so nothing is missing.
    private static LabelledFeatures Features(EmbeddingLookup lookup, IReadOnlyList<LabelledImage> items, LabelClasses classes) =>
        LabelledFeatures.Gather(items, classes, lookup.Matrix, lookup.Dimension, lookup.RowOfImage, out _);

    private static string Shorten(string text) => text.Length <= 48 ? text : "..." + text[^45..];
}
