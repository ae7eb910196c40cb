using Pipeline.Models.Checkpoints;
using Pipeline.Models.Vision.Layers;
using TorchSharp;

namespace Pipeline.Models.Tests.Vision.Layers;

public sealed class GlobalResponseNormTests
{
    [Fact]
    public void MatchesTheConvNeXtV2FormulaComputedByHand()
    {
        const int B = 2, H = 3, W = 2, C = 4;
        var rng = new Random(7);
        var x = Enumerable.Range(0, B * H * W * C).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var gamma = Enumerable.Range(0, C).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var beta = Enumerable.Range(0, C).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();

        // Reference (ConvNeXt-V2 paper / timm, channels-last): Gx = ||x||_2 over H, W per (b, c);
        // Nx = Gx / (mean_c Gx + 1e-6); y = gamma * (x * Nx) + beta + x.
        var expected = new double[x.Length];
        for (var b = 0; b < B; b++)
        {
            var g = new double[C];
            for (var c = 0; c < C; c++)
            {
                double sum = 0;
                for (var i = 0; i < H * W; i++)
                {
                    var v = x[((b * H * W) + i) * C + c];
                    sum += (double)v * v;
                }
                g[c] = Math.Sqrt(sum);
            }
            var mean = g.Average();
            for (var i = 0; i < H * W; i++)
            {
                for (var c = 0; c < C; c++)
                {
                    var idx = ((b * H * W) + i) * C + c;
                    expected[idx] = gamma[c] * (x[idx] * (g[c] / (mean + 1e-6))) + beta[c] + x[idx];
                }
            }
        }

        using var grn = new GlobalResponseNorm(C);
        using var w = torch.tensor(gamma);
        using var bias = torch.tensor(beta);
        StateDictLoader.LoadStrict(grn, new Dictionary<string, torch.Tensor> { ["weight"] = w, ["bias"] = bias });
        using var nhwc = torch.tensor(x, [B, H, W, C]);
        using var input = nhwc.permute(0, 3, 1, 2);
        using var noGrad = torch.no_grad();
        using var y = grn.forward(input);
        using var yNhwc = y.permute(0, 2, 3, 1).contiguous();
        var seen = yNhwc.data<float>().ToArray();
        var maxDiff = seen.Zip(expected, (s, e) => Math.Abs(s - e)).Max();
        Assert.True(maxDiff < 1e-5, $"expected the hand-computed GRN within 1e-5, seen max |diff| {maxDiff:E2}");
    }

    [Fact]
    public void ZeroParametersAreIdentity()
    {
        using var grn = new GlobalResponseNorm(5);
        using var input = torch.randn(1, 5, 3, 3);
        using var noGrad = torch.no_grad();
        using var y = grn.forward(input);
        Assert.True(y.allclose(input), "expected GRN with zero weight and bias to return its input");
    }
}
