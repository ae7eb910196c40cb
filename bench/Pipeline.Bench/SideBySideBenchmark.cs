using System.Globalization;
using System.Text.Json;
using Pipeline.Models.Embedding;
using Pipeline.Models.Registry;

namespace Pipeline.Bench;

/// <summary>
/// Our model-only forward beside the peer's, model by model, in the same minutes: each round runs ours then the peer for
/// one model (the order flips every round, so a drift of the machine's speed shows as spread, not as bias), and prints
/// each ratio. With <c>--json</c> every figure is one JSON object a line: <c>model</c>, <c>resolution</c>, <c>batch</c>,
/// <c>dtype</c>, <c>images_per_second</c>, plus <c>side</c> (ours / peer / ratio) and <c>round</c>.
/// </summary>
public static class SideBySideBenchmark
{
    public static int Run(string[] args)
    {
        var kit = Option(args, "--peer-kit")
                  ?? throw new ArgumentException("--peer-kit is required: the folder of the peer kit's run.sh (the peer kit beside the project).");
        var models = (Option(args, "--models") ?? string.Join(',', BenchmarkDefaults.ForwardModels)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var batches = (Option(args, "--batches") ?? "8,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        var dtype = Option(args, "--dtype") ?? "float32";
        int rounds = int.Parse(Option(args, "--rounds") ?? "2", CultureInfo.InvariantCulture);
        double seconds = double.Parse(Option(args, "--seconds") ?? "8", CultureInfo.InvariantCulture);
        bool json = args.Contains("--json");
        if (!json) Console.WriteLine($"{"round",5} {"model",-40} {"res",4} {"batch",5} {"dtype",9} {"ours",8} {"peer",8} {"ratio",6}");
        for (int round = 0; round < rounds; round++)
        {
            foreach (var spec in models)
            {
                var (name, resolution) = BenchmarkDefaults.Parse(spec);
                var variant = ModelRegistry.Get(name);
                int size = resolution ?? variant.Preprocess.CropHeight;
                var timmName = name.Split('.')[0];
                Dictionary<int, double> ours = [], peer = [];
                void Ours() => ours = ForwardBenchmark.Run(variant, size, batches, TimeSpan.FromSeconds(seconds), ImageEmbedder.ParseComputeDType(dtype))
                    .ToDictionary(r => r.Batch, r => r.ImagesPerSecond);
                void Peer() => peer = PeerForward.Run(kit, timmName, batches, dtype, seconds);
                if (round % 2 == 0) { Ours(); Peer(); } else { Peer(); Ours(); }
                foreach (int batch in batches)
                {
                    double mine = ours[batch];
                    double? theirs = peer.TryGetValue(batch, out var p) ? p : null;
                    if (json)
                    {
                        Line(name, size, batch, dtype, mine, "ours", round);
                        if (theirs is { } t)
                        {
                            Line(timmName, size, batch, dtype, t, "peer", round);
                            Line(name, size, batch, dtype, mine / t, "ratio", round);
                        }
                    }
                    else
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{round,5} {name,-40} {size,4} {batch,5} {dtype,9} {mine,8:F2} {(theirs is { } t ? t.ToString("F2", CultureInfo.InvariantCulture) : "-"),8} {(theirs is { } u ? (mine / u).ToString("F2", CultureInfo.InvariantCulture) : "-"),6}"));
                    }
                }
            }
        }
        return 0;
    }

    /// <summary>One figure as the JSON line <c>bench/run.sh forward --json</c> also prints.</summary>
    public static void Line(string model, int resolution, int batch, string dtype, double imagesPerSecond, string? side = null, int? round = null)
    {
        var line = new Dictionary<string, object> { ["model"] = model, ["resolution"] = resolution, ["batch"] = batch, ["dtype"] = dtype, ["images_per_second"] = Math.Round(imagesPerSecond, 3) };
        if (side is not null) line["side"] = side;
        if (round is not null) line["round"] = round;
        Console.WriteLine(JsonSerializer.Serialize(line));
    }

    private static string? Option(string[] args, string name) => BenchArgs.Option(args, name);
}
