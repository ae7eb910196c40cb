using System.Diagnostics;
using System.Globalization;
using Pipeline.Models.Registry;
using TorchSharp;

namespace Pipeline.Bench;

/// <summary>Forward throughput of one model at several batch sizes: random weights, eval, inference mode, float32 or bfloat16.</summary>
public static class ForwardBenchmark
{
    public sealed record Result(string Model, int Resolution, int Batch, double ImagesPerSecond, double MsPerBatch);

    public static IEnumerable<Result> Run(ModelVariant variant, int resolution, IReadOnlyList<int> batches, TimeSpan budget, torch.ScalarType dtype)
    {
        torch.manual_seed(0);
        var backbone = variant.Architecture.Create(numClasses: 0);
        var module = backbone.AsModule();
        module.eval();
        if (dtype != torch.ScalarType.Float32) module.to(dtype);
        try
        {
            foreach (int batch in batches)
            {
                using var inference = torch.inference_mode();
                using var input = torch.randn(batch, 3, resolution, resolution).to(dtype);
                Forward(backbone, input); // warm-up: first call pays allocation and kernel selection
                var watch = Stopwatch.StartNew();
                int iterations = 0;
                while (iterations < 2 || (watch.Elapsed < budget && iterations < 50))
                {
                    Forward(backbone, input);
                    iterations++;
                }
                double seconds = watch.Elapsed.TotalSeconds;
                yield return new Result(variant.Name, resolution, batch, iterations * batch / seconds, seconds * 1000 / iterations);
            }
        }
        finally
        {
            module.Dispose();
        }
    }

    private static void Forward(Pipeline.Models.Vision.IVisionBackbone backbone, torch.Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        backbone.forward_head(backbone.forward_features(input), pre_logits: true);
    }

    public static string Format(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Model,-44} {r.Resolution,5} {r.Batch,6} {r.ImagesPerSecond,10:F1} {r.MsPerBatch,12:F0}");
}
