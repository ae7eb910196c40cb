using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.Vae;

/// <summary>The diffusers 0.30.3 <c>vae_tiny</c> fixture (<c>Fixtures/lcm/vae_tiny/</c>) through <see cref="LcmGoldens"/>.</summary>
internal static class VaeFixture
{
    /// <summary>The README's bound for a correct port (meta.json suggests 6.8e-5 to 9.9e-5 on the outputs).</summary>
    public const double Tolerance = 1e-4;

    public static string Folder => LcmGoldens.Folder("vae_tiny");

    public static Dictionary<string, Tensor> Read(string file) => LcmGoldens.Read("vae_tiny", file);

    public static double MaxAbsDiff(Tensor actual, Tensor expected) => LcmGoldens.MaxAbsDiff(actual, expected);

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = Tolerance) =>
        LcmGoldens.AssertClose(expected, actual, what, tolerance);

    public static string TempFolder() => LcmGoldens.TempFolder("vae");
}
