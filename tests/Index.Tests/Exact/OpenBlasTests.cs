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
        var c = empty([m, n], ScalarType.Float32);

        Index.Exact.OpenBlas.MultiplyByTranspose(a, rows, c);

        var expected = a.to_type(ScalarType.Float64).mm(b.to_type(ScalarType.Float64).t());
        double worst = (c.to_type(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(worst <= 1e-4 * Math.Sqrt(k), $"largest difference from a float64 product: {worst}");
    }

    [Fact]
    public void OnAnAvx512Cpu_TheSkylakeXKernelsAreChosen_WhateverTheEnvironmentSays()
    {
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported;
        Assert.True(!avx512 || Index.Exact.OpenBlas.Description.Contains("SkylakeX", StringComparison.Ordinal),
            $"{Index.Exact.OpenBlas.Description}; avx512 {avx512}, VL {System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported}, DQ {System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported}, CD {System.Runtime.Intrinsics.X86.Avx512CD.IsSupported}, env {Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE")}");
    }
}
