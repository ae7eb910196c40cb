using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace Pipeline.Index.Exact;

/// <summary>
/// The float32 matrix product of exact search through OpenBLAS (Debian's <c>libopenblas0-pthread</c>) when it is
/// installed, as faiss does. Why not libtorch's own: its bundled MKL takes a slow path on AMD CPUs (about 140 of the
/// ~330 GFLOP/s OpenBLAS' AVX-512 kernels reach on the 2-core Zen VMs here). Without the library, or with
/// <c>PIPELINE_BLAS=torch</c>, search uses libtorch's product; results are the same up to float32 rounding.
/// </summary>
internal static unsafe class OpenBlas
{
    public const string DisableVariable = "PIPELINE_BLAS";
    public const string CoreTypeVariable = "PIPELINE_BLAS_CORETYPE";
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;
    private static readonly Lazy<Api?> Loaded = new(Load);

    /// <summary>True when products go through OpenBLAS.</summary>
    public static bool Available => Loaded.Value is not null;

    /// <summary>Which product search uses, for benchmarks and logs.</summary>
    public static string Description => Loaded.Value?.Description ?? "libtorch (OpenBLAS not found or disabled)";

    /// <summary>
    /// <paramref name="c"/> [m, n] = <paramref name="a"/> [m, k] x <paramref name="b"/> [n, k]^T, all row-major float32
    /// (m and n follow from the lengths).
    /// </summary>
    public static void MultiplyByTranspose(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k)
    {
        var api = Loaded.Value ?? throw new InvalidOperationException("OpenBLAS is not loaded.");
        int m = a.Length / k, n = b.Length / k;
        if (a.Length != m * k || b.Length != n * k || c.Length != (long)m * n)
            throw new ArgumentException($"OpenBLAS product: {a.Length} and {b.Length} values are not [m, {k}] and [n, {k}], or {c.Length} is not m x n.");
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            api.Sgemm(RowMajor, NoTrans, Trans, m, n, k, 1f, pa, k, pb, k, 0f, pc, n);
        }
    }

    /// <summary>
    /// <paramref name="c"/> [m, n] = <paramref name="a"/> [m, k] x <paramref name="b"/> [n, k]^T + <paramref name="beta"/>
    /// x <paramref name="c"/> on native row-major float32 memory (tensors' data; the GEMM benchmark compares it).
    /// </summary>
    public static void MultiplyByTranspose(float* a, float* b, float* c, int m, int n, int k, float beta)
    {
        var api = Loaded.Value ?? throw new InvalidOperationException("OpenBLAS is not loaded.");
        api.Sgemm(RowMajor, NoTrans, Trans, m, n, k, 1f, a, k, b, k, beta, c, n);
    }

    private static Api? Load()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(DisableVariable), "torch", StringComparison.OrdinalIgnoreCase)) return null;
        if (!OperatingSystem.IsLinux()) return null;
        // OpenBLAS 0.3.21 does not know Zen 4/5 and falls back to AVX2 kernels (and these VMs set OPENBLAS_CORETYPE=Haswell
        // for every process); its SkylakeX kernels run on any CPU with these AVX-512 subsets, about 1.6x faster here.
        // PIPELINE_BLAS_CORETYPE chooses otherwise. OpenBLAS reads the variable when it loads, from the native environment.
        bool avx512 = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512CD.IsSupported && Avx512F.VL.IsSupported;
        if (Environment.GetEnvironmentVariable(CoreTypeVariable) is { Length: > 0 } chosen) _ = SetEnv("OPENBLAS_CORETYPE", chosen, 1);
        else if (avx512) _ = SetEnv("OPENBLAS_CORETYPE", "SKYLAKEX", 1);
        if (!NativeLibrary.TryLoad("libopenblas.so.0", out var handle)) return null;
        if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)) return null;
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setThreads))
            ((delegate* unmanaged<int, void>)setThreads)(Math.Max(1, torch.get_num_threads()));
        string core = NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var coreName)
            ? Marshal.PtrToStringAnsi(((delegate* unmanaged<nint>)coreName)()) ?? "?"
            : "?";
        return new Api((delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
            $"OpenBLAS ({core} kernels)");
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    private sealed class Api(delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm, string description)
    {
        public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; } = sgemm;

        public string Description { get; } = description;
    }
}
