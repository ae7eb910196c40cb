using Pipeline.Index.Exact;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Index.Tests.Exact;

/// <summary>Exact search's OpenBLAS product (installed by test.sh, as a silo image installs it) against libtorch's.</summary>
public sealed class OpenBlasTests
{
    [Fact]
    public void OpenBlasIsLoaded_OnAMachineSetUpByTestSh()
    {
        Assert.True(Index.Exact.OpenBlas.Available,
            $"exact search runs on {Index.Exact.OpenBlas.Description}: install Debian's libopenblas0-pthread (./test.sh does).");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 33, 5)]
    [InlineData(64, 1000, 384)]
    public void TheProduct_EqualsLibtorchs_UpToFloat32Rounding(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(42);
        var a = randn([m, k], generator: generator);
        var b = randn([n, k], generator: generator);
        // A view into the middle of a larger matrix, as search passes its blocks.
        var rows = cat([randn([3, k], generator: generator), b, randn([2, k], generator: generator)]).narrow(0, 3, n);
        var c = new float[m * n];

        Index.Exact.OpenBlas.MultiplyByTranspose(a.data<float>().ToArray(), rows.contiguous().data<float>().ToArray(), c, k);

        var expected = a.to_type(ScalarType.Float64).mm(b.to_type(ScalarType.Float64).t());
        double worst = (tensor(c, [m, n]).to_type(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(worst <= 1e-4 * Math.Sqrt(k), $"largest difference from a float64 product: {worst}");
    }

    [Fact]
    public void OnAnAvx512Cpu_TheSkylakeXKernelsAreChosen_WhateverTheEnvironmentSays()
    {
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported;
        Assert.True(!avx512 || Index.Exact.OpenBlas.Description.Contains("SkylakeX", StringComparison.Ordinal),
            $"{Index.Exact.OpenBlas.Description}; avx512 {avx512}, VL {System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported}, DQ {System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported}, CD {System.Runtime.Intrinsics.X86.Avx512CD.IsSupported}, env {Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE")}");
    }

    [Theory]
    [InlineData(IndexMetric.Cosine, IndexStorage.Float32)]
    [InlineData(IndexMetric.InnerProduct, IndexStorage.Float16)]
    [InlineData(IndexMetric.L2, IndexStorage.Float32)]
    [InlineData(IndexMetric.L2, IndexStorage.Float16)]
    public void TheTiledOpenBlasSearch_AnswersAsTheLibtorchPathDoes(IndexMetric metric, IndexStorage storage)
    {
        const int dim = 24, rows = 9000;
        var random = new Random(7);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        var (a, b) = SearchBothWays(data, dim, metric, storage);

        // The two products round differently in the last bits (and OpenBLAS's AVX2 kernels round one product
        // differently in different tiles), so only scores that close may trade places.
        for (int i = 0; i < a.Scores.Length; i++)
        {
            Assert.Equal(b.Scores[i], a.Scores[i], 1e-4);
            Assert.True(a.Indices[i] == b.Indices[i] || Math.Abs(a.Scores[i] - b.Scores[i]) < 1e-5,
                $"query {i / 12} rank {i % 12}: row {a.Indices[i]} ({a.Scores[i]}) against the libtorch path's {b.Indices[i]} ({b.Scores[i]})");
        }
    }

    [Theory]
    [InlineData(IndexMetric.Cosine, IndexStorage.Float32)]
    [InlineData(IndexMetric.InnerProduct, IndexStorage.Float16)]
    [InlineData(IndexMetric.L2, IndexStorage.Float32)]
    [InlineData(IndexMetric.L2, IndexStorage.Float16)]
    public void TheTiledOpenBlasSearch_OrdersTiesByRowAsTheLibtorchPathDoes(IndexMetric metric, IndexStorage storage)
    {
        // Every entry is -1, 0 or 1, four of them non-zero per row: each norm is 2 (cosine divides by it exactly) and
        // each product a sum of small integers, exact in float32 in whatever order a BLAS kernel adds. So scores that
        // should tie do tie on every CPU (with random values they need not: on a Zen 3 OpenBLAS gave one row and its
        // copy in another tile scores a float32 ulp apart), and most of each top 12 is ties across tiles, which only
        // the row order can break.
        const int dim = 24, rows = 9000;
        var random = new Random(7);
        var data = new float[rows * dim];
        for (int row = 0; row < rows; row++)
        {
            foreach (int column in Enumerable.Range(0, dim).OrderBy(_ => random.Next()).Take(4))
                data[row * dim + column] = random.Next(2) == 0 ? -1 : 1;
        }
        var (a, b) = SearchBothWays(data, dim, metric, storage);

        Assert.Equal(b.Scores, a.Scores);
        Assert.Equal(b.Indices, a.Indices);
    }

    /// <summary>The first 40 rows as queries, top 12, through the tiled OpenBLAS path and the libtorch path.</summary>
    private static (KnnResult Tiled, KnnResult Torch) SearchBothWays(float[] data, int dim, IndexMetric metric, IndexStorage storage)
    {
        var queries = data.AsSpan(0, 40 * dim).ToArray();
        using var tiled = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage });
        using var torchPath = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage, TorchProduct = true });
        return (tiled.Search(queries, dim, 12), torchPath.Search(queries, dim, 12));
    }
}
