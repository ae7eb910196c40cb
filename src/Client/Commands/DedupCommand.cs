using System.CommandLine;
using Pipeline.Client.Hosting;
using Pipeline.Client.Index;
using Pipeline.Contracts.Index;
using Pipeline.Index;
using Pipeline.Index.Dedup;
using Pipeline.Index.Pages;
using Pipeline.Index.Sharded;
using Pipeline.Storage;
using Pipeline.Storage.Commit;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline dedup</c>: near-duplicate clusters as the DINOv2 paper curates data: the k-NN graph of the index, the
/// edges at least as similar as the threshold, connected components (union-find), one image kept per component.
/// Writes <c>dedup/duplicates.parquet</c> and <c>dedup/summary.json</c> in the index folder.
/// </summary>
public static class DedupCommand
{
    private static readonly Option<string> IndexOption = new("--index") { Description = "The index folder (with index.json)", Required = true };
    private static readonly Option<double> Threshold = new("--threshold") { Description = "Edge threshold: a similarity for cosine/ip (score >= threshold), a squared distance for l2 (<=)", Required = true };
    private static readonly Option<int> K = new("-k") { Description = "Neighbours per image in the graph (the image itself included)", DefaultValueFactory = _ => 64 };
    private static readonly Option<string?> Html = new("--html") { Description = "Also write a static HTML page with thumbnails of each duplicate cluster" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("dedup", "Find near-duplicate clusters in an index and choose one image per cluster") { IndexOption, Threshold, K, Html, Json };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string index = parse.GetValue(IndexOption)!;
        double threshold = parse.GetValue(Threshold);
        int k = parse.GetValue(K);
        bool json = parse.GetValue(Json);
        if (k is < 2 or > IndexQueryLimits.MaxK)
        {
            await Console.Error.WriteLineAsync($"refused: -k {k} is out of range: use 2 to {IndexQueryLimits.MaxK} (the image itself is one of its k neighbours).");
            return ExitCodes.FailedOrRefused;
        }
        if (!double.IsFinite(threshold))
        {
            await Console.Error.WriteLineAsync("refused: --threshold must be a number, such as 0.6 for cosine similarity.");
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await PipelineRuntime.StartAsync(JobSubmission.UsesBlobPaths(index), cancellationToken);
        var location = StorageLocation.Parse(index);
        var store = runtime.Stores.Open(location);
        var table = await IndexRowTable.ReadAsync(store, cancellationToken);
        var metric = IndexNames.ParseMetric(table.Manifest.Metric);
        if (metric == IndexMetric.Cosine && threshold is < -1 or > 1)
        {
            await Console.Error.WriteLineAsync($"refused: --threshold {threshold} is not a cosine similarity: use -1 to 1 (0.6 finds near-duplicates in DINOv2 space).");
            return ExitCodes.FailedOrRefused;
        }
        var notes = json ? Console.Error : Console.Out;
        await notes.WriteLineAsync($"dedup: k-NN graph of {table.Rows.Count} images (k = {k}) through the query service ...");
        var service = runtime.Grains.GetGrain<IIndexQueryGrain>(location.ToString());
        var graph = await CorpusKnnGraph.BuildAsync(table, service, runtime.Stores, k, null, cancellationToken);
        var clusters = DuplicateClusters.Find(table.Rows.Count, graph, metric, (float)threshold);

        var duplicates = Enumerable.Range(0, clusters.Rows).Where(r => clusters.ClusterId[r] >= 0)
            .Select(r => new DuplicateRow { ClusterId = clusters.ClusterId[r], ImagePath = table.Rows[r].ImagePath, Keep = clusters.Keep[r], NearestScore = clusters.NearestScore[r] })
            .OrderBy(d => d.ClusterId).ToList();
        using (var parquet = new MemoryStream())
        {
            await ParquetFiles.WriteAsync(parquet, duplicates, cancellationToken);
            await store.WriteAsync(IndexLayout.DuplicatesFile, parquet.ToArray(), cancellationToken);
        }
        var summary = new DedupSummary
        {
            Index = location.ToString(), Metric = table.Manifest.Metric, Threshold = threshold, K = k, Images = table.Rows.Count,
            Clusters = clusters.Clusters, ImagesInClusters = clusters.ImagesInClusters, ImagesRemoved = clusters.Removed,
            Duplicates = $"{location}/{IndexLayout.DuplicatesFile}", CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.WriteAsync(IndexLayout.DedupFolder + "summary.json", OutputJson.Serialize(summary), cancellationToken);

        if (parse.GetValue(Html) is { } html)
        {
            var page = new DuplicatesPage($"Near-duplicates in {location}", threshold, metric,
                [.. clusters.Members().Select((members, id) => new PageCluster(id,
                    [.. members.Select(r => new PageClusterMember(table.Rows[r].ImagePath, clusters.Keep[r], float.IsNaN(clusters.NearestScore[r]) ? null : clusters.NearestScore[r]))]))]);
            await using var file = File.Create(html);
            await new ResultPageWriter().WriteDuplicatesPageAsync(file, page, new ImageBytes(runtime.Stores).ReadAsync, cancellationToken);
            await notes.WriteLineAsync($"page:      {Path.GetFullPath(html)}");
        }
        if (json)
        {
            CliJson.WriteDocument(Console.Out, summary);
            return ExitCodes.Succeeded;
        }
        Console.WriteLine($"clusters:  {summary.Clusters} near-duplicate clusters ({summary.ImagesInClusters} images; {IndexNames.ScoreName(metric)} {(metric == IndexMetric.L2 ? "<=" : ">=")} {threshold})");
        Console.WriteLine($"removed:   {summary.ImagesRemoved} of {summary.Images} images (one kept per cluster: the first in listing order)");
        Console.WriteLine($"written:   {summary.Duplicates}");
        return ExitCodes.Succeeded;
    }
}
