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
    public void TheTiledOpenBlasSearch_AnswersAsTheLibtorchPathDoes_TiesIncluded(IndexMetric metric, IndexStorage storage)
    {
        const int dim = 24, rows = 9000;
        var random = new Random(7);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        // Exact copies far apart (in different tiles) make ties that only the row order can break.
        for (int copy = 0; copy < 50; copy++)
            data.AsSpan(copy * dim, dim).CopyTo(data.AsSpan((rows - 1 - copy * 97) * dim, dim));
        var queries = data.AsSpan(0, 40 * dim).ToArray();

        using var tiled = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage });
        using var torchPath = ExactIndex.Build(data, dim, new ExactIndexOptions { Metric = metric, Storage = storage, TorchProduct = true });
        var a = tiled.Search(queries, dim, 12);
        var b = torchPath.Search(queries, dim, 12);

        // The two products round differently in the last bits, so only scores that close may trade places.
        for (int i = 0; i < a.Scores.Length; i++)
        {
            Assert.Equal(b.Scores[i], a.Scores[i], 1e-4);
            Assert.True(a.Indices[i] == b.Indices[i] || Math.Abs(a.Scores[i] - b.Scores[i]) < 1e-5,
                $"query {i / 12} rank {i % 12}: row {a.Indices[i]} ({a.Scores[i]}) against the libtorch path's {b.Indices[i]} ({b.Scores[i]})");
        }
        Assert.True(a.Indices.Zip(b.Indices).Count(p => p.First != p.Second) <= 2, "the paths disagree on more than a near-tie");
    }
}
