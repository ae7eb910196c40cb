using System.Diagnostics;
using System.Globalization;
using Pipeline.Index.Exact;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Bench;

/// <summary>
/// GFLOP/s of the models' linear-layer shapes through each float32 product libtorch and the machine offer: libtorch's
/// <c>linear</c> (its bundled MKL), a 1x1 convolution on a channels-last view (oneDNN), OpenBLAS into the output
/// tensor, and bfloat16 <c>linear</c> (oneDNN). It shows which product the models' <c>Linear</c> should use on this CPU.
/// </summary>
internal static class GemmBenchmark
{
    private static readonly (string Name, long M, long K, long N)[] Shapes =
    [
        ("ViT-B qkv b8", 8 * 257, 768, 2304),
        ("ViT-B proj b8", 8 * 257, 768, 768),
        ("ViT-B fc1 b8", 8 * 257, 768, 3072),
        ("ViT-B fc2 b8", 8 * 257, 3072, 768),
        ("ViT-S fc1 b8", 8 * 257, 384, 1536),
        ("ConvNeXt-T s0 fc1 b8", 8 * 56 * 56, 96, 384),
        ("ConvNeXt-T s2 fc1 b8", 8 * 14 * 14, 384, 1536),
    ];

    public static int Run(string[] args)
    {
        double seconds = double.Parse(BenchArgs.Option(args, "--seconds") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine($"threads {torch.get_num_threads()}; OpenBLAS: {OpenBlas.Description}");
        Console.WriteLine("| shape | M x K x N | linear (MKL) | 1x1 conv (oneDNN) | OpenBLAS | bf16 linear | bf16 1x1 conv | max abs diff conv / OpenBLAS vs linear |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        using var _ = torch.no_grad();
        foreach (var (name, m, k, n) in Shapes)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(m, k);
            var w = torch.randn(n, k) * 0.02;
            var b = torch.randn(n);
            double flops = 2.0 * m * k * n;
            double linear = Rate(flops, seconds, () => nn.functional.linear(x, w, b));
            var xv = x.view(1, m, 1, k).permute(0, 3, 1, 2);
            var w4 = w.view(n, k, 1, 1);
            double conv = Rate(flops, seconds, () => nn.functional.conv2d(xv, w4, b));
            double blas = OpenBlas.Available ? Rate(flops, seconds, () => BlasLinear(x, w, b)) : double.NaN;
            var xh = x.to(ScalarType.BFloat16);
            var wh = w.to(ScalarType.BFloat16);
            var bh = b.to(ScalarType.BFloat16);
            double bf16 = Rate(flops, seconds, () => nn.functional.linear(xh, wh, bh));
            var xhv = xh.view(1, m, 1, k).permute(0, 3, 1, 2);
            var wh4 = wh.view(n, k, 1, 1);
            double bf16Conv = Rate(flops, seconds, () => nn.functional.conv2d(xhv, wh4, bh));
            var reference = nn.functional.linear(x, w, b);
            var convOut = nn.functional.conv2d(xv, w4, b).permute(0, 2, 3, 1);
            double convDiff = (convOut.reshape(m, n) - reference).abs().max().item<float>();
            double blasDiff = OpenBlas.Available ? (BlasLinear(x, w, b) - reference).abs().max().item<float>() : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {m} x {k} x {n} | {linear:F0} | {conv:F0} | {blas:F0} | {bf16:F0} | {bf16Conv:F0} | {convDiff:G2} / {blasDiff:G2} (output as [M, N] contiguous: {convOut.is_contiguous()}) |"));
        }
        return 0;
    }

    /// <summary>x W^T + b through OpenBLAS: one sgemm into the output tensor, which starts as the bias rows (beta 1).</summary>
    private static unsafe Tensor BlasLinear(Tensor x, Tensor w, Tensor b)
    {
        long m = x.shape[0], k = x.shape[1], n = w.shape[0];
        var y = b.expand(m, n).contiguous();
        fixed (byte* px = x.bytes)
        fixed (byte* pw = w.bytes)
        fixed (byte* py = y.bytes)
        {
            OpenBlas.MultiplyByTranspose((float*)px, (float*)pw, (float*)py, (int)m, (int)n, (int)k, 1f);
        }
        return y;
    }

    private static double Rate(double flops, double seconds, Func<Tensor> op)
    {
        for (int i = 0; i < 3; i++) op().Dispose();
        int count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            op().Dispose();
            count++;
        }
        return flops * count / clock.Elapsed.TotalSeconds / 1e9;
    }
}
