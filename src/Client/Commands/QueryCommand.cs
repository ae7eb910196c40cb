using System.CommandLine;
using System.Globalization;
using Pipeline.Client.Hosting;
using Pipeline.Client.Index;
using Pipeline.Contracts.Index;
using Pipeline.Index.Pages;
using Pipeline.Index.Sharded;
using Pipeline.Storage;

namespace Pipeline.Client.Commands;

/// <summary>
/// <c>pipeline query</c>: the k nearest neighbours of an image, an indexed image's id, or vectors from a <c>.npy</c>,
/// through the cluster's query service (index-shard grains; embedded mode hosts them in this process).
/// </summary>
public static class QueryCommand
{
    private static readonly Option<string> IndexOption = new("--index") { Description = "The index folder (with index.json)", Required = true };
    private static readonly Option<string?> Image = new("--image") { Description = "An image file: embedded with the index's model and preprocessing first" };
    private static readonly Option<string?> Id = new("--id") { Description = "An indexed image, by its image_path: its own embedding is the query" };
    private static readonly Option<string?> Vector = new("--vector") { Description = "A .npy of one vector [dim] or several [n, dim]" };
    private static readonly Option<int> K = new("-k") { Description = "Neighbours per query", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> Html = new("--html") { Description = "Also write a static HTML page with thumbnails of the query and its neighbours (first query)" };
    private static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var command = new Command("query", "Find the nearest neighbours in an index") { IndexOption, Image, Id, Vector, K, Html, Json };
        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        string index = parse.GetValue(IndexOption)!;
        string? image = parse.GetValue(Image), id = parse.GetValue(Id), vector = parse.GetValue(Vector);
        if (new[] { image, id, vector }.Count(v => v is not null) != 1)
        {
            await Console.Error.WriteLineAsync("refused: give exactly one of --image <file>, --id <image_path> or --vector <file.npy>.");
            return ExitCodes.FailedOrRefused;
        }
        int k = parse.GetValue(K);
        if (k < 1)
        {
            await Console.Error.WriteLineAsync($"refused: -k {k} must be at least 1.");
            return ExitCodes.FailedOrRefused;
        }
        await using var runtime = await PipelineRuntime.StartAsync(JobSubmission.UsesBlobPaths(index, image, vector), cancellationToken);
        var location = StorageLocation.Parse(index).ToString();
        var service = runtime.Grains.GetGrain<IIndexQueryGrain>(location);
        var description = await service.DescribeAsync();

        var (queries, label) = await QueriesAsync(runtime, service, image, id, vector, description.Dimension, cancellationToken);
        var answers = await service.SearchAsync(queries, description.Dimension, k);
        if (parse.GetValue(Html) is { } html)
        {
            var page = new QueryPage($"Nearest neighbours in {location}", $"{description.Kind} {description.Metric} index of {description.Rows} images, k = {k}",
                (image ?? id) is { } path ? PageQuery.FromImage(path) : PageQuery.WithoutImage(label), IndexNames.ParseMetric(description.Metric),
                [.. answers[0].Select((n, rank) => new PageNeighbour(rank + 1, n.ImagePath, n.Score))]);
            await using var file = File.Create(html);
            await new ResultPageWriter().WriteQueryPageAsync(file, page, new ImageBytes(runtime.Stores).ReadAsync, cancellationToken);
            await (parse.GetValue(Json) ? Console.Error : Console.Out).WriteLineAsync($"page: {Path.GetFullPath(html)}");
        }

        if (parse.GetValue(Json))
        {
            CliJson.WriteDocument(Console.Out, new
            {
                Index = location,
                description.Kind,
                description.Metric,
                Query = label,
                K = k,
                Results = answers.Select((hits, q) => new
                {
                    Query = q,
                    Neighbors = hits.Select((n, rank) => new { Rank = rank + 1, n.ImagePath, n.Score, n.Shard, n.Row }),
                }),
            });
            return ExitCodes.Succeeded;
        }
        Console.WriteLine($"query {label}: {description.Kind} {description.Metric} index, {description.Rows} rows (score: {IndexNames.ScoreName(IndexNames.ParseMetric(description.Metric))})");
        for (int q = 0; q < answers.Count; q++)
        {
            if (answers.Count > 1) Console.WriteLine($"query {q}:");
            for (int rank = 0; rank < answers[q].Length; rank++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rank + 1,4}  {answers[q][rank].Score,10:0.0000}  {answers[q][rank].ImagePath}"));
        }
        return ExitCodes.Succeeded;
    }

    private static async Task<(float[] Queries, string Label)> QueriesAsync(PipelineRuntime runtime, IIndexQueryGrain service, string? image, string? id,
        string? vector, int dimension, CancellationToken cancellationToken)
    {
        if (id is not null)
            return (await service.VectorOfAsync(id) ?? throw new ArgumentException($"--id '{id}': the index has no image with that image_path."), $"--id {id}");
        if (image is not null)
        {
            var bytes = await new ImageBytes(runtime.Stores).ReadAsync(image, cancellationToken);
            return (await service.EmbedImageAsync(bytes), $"--image {image}");
        }
        using var npy = new MemoryStream(await new ImageBytes(runtime.Stores).ReadAsync(vector!, cancellationToken));
        float[] data;
        int[] shape;
        try
        {
            (data, shape, _) = NpyReader.Read(npy);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ArgumentException($"--vector {vector} is not a readable .npy file: {e.Message}", e);
        }
        int width = shape.Length switch
        {
            1 => shape[0],
            2 => shape[1],
            _ => throw new ArgumentException($"--vector {vector} has shape [{string.Join(", ", shape)}]: give one vector [dim] or a matrix [n, dim]."),
        };
        if (width != dimension)
            throw new ArgumentException($"--vector {vector} has dimension {width}, the index {dimension}.");
        if (data.Length == 0) throw new ArgumentException($"--vector {vector} holds no vectors.");
        return (data, $"--vector {vector}");
    }
}
