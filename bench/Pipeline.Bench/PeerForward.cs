using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Bench;

/// <summary>
/// The peer's model-only forward (PyTorch + timm, part 1 of the peer kit's <c>run.sh</c>, profile <c>tuned</c>) for one
/// model, run now, so that its figures sit beside ours from the same minutes. The kit's own output goes to stderr.
/// </summary>
public static class PeerForward
{
    /// <summary>images/s (the peer's median) per batch; <paramref name="dtype"/> <c>float32</c> or <c>bfloat16</c> (the peer's autocast).</summary>
    public static Dictionary<int, double> Run(string kit, string timmName, IReadOnlyList<int> batches, string dtype, double seconds)
    {
        var results = new Dictionary<int, double>();
        // The kit measures bf16 at one batch per call (its --bf16-batch), so bf16 takes one call per batch.
        var calls = dtype == "bfloat16" ? batches.Select(b => (IReadOnlyList<int>)[b]).ToList() : [batches];
        foreach (var callBatches in calls)
        {
            var folder = Directory.CreateTempSubdirectory("pipeline-peer-").FullName;
            try
            {
                var output = Path.Combine(folder, "results.json");
                var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
                string[] arguments =
                [
                    Path.Combine(kit, "run.sh"), "--profile", "tuned", "--parts", "1", "--models", timmName,
                    "--batches", string.Join(',', callBatches), "--min-time", seconds.ToString(CultureInfo.InvariantCulture),
                    "--bf16-models", dtype == "bfloat16" ? timmName : "none", "--bf16-batch", callBatches[0].ToString(CultureInfo.InvariantCulture),
                    "--out", output, "--report", Path.Combine(folder, "RESULTS.md"),
                ];
                foreach (var a in arguments) start.ArgumentList.Add(a);
                using var process = Process.Start(start)!;
                // stdout of the kit is progress for people: passed on to stderr so ours stays machine-readable.
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
                process.BeginOutputReadLine();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"the peer kit ({string.Join(' ', arguments)}) exited with {process.ExitCode}");
                foreach (var (batch, ips) in Rows(File.ReadAllText(output), timmName, dtype)) results[batch] = ips;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        return results;
    }

    private static IEnumerable<(int Batch, double ImagesPerSecond)> Rows(string json, string timmName, string dtype)
    {
        var prefix = dtype == "bfloat16" ? "bf16" : "fp32";
        var rows = JsonNode.Parse(json)!["runs"]!["tuned"]!["parts"]!["model_forward"]!.AsArray();
        foreach (var row in rows)
        {
            if (row!["model"]!.GetValue<string>() != timmName || !row["dtype"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (row["ips_median"] is { } ips) yield return (row["batch"]!.GetValue<int>(), ips.GetValue<double>());
        }
    }
}
