using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Diffusion.UNet;

/// <summary>The diffusers 0.30.3 <c>unet_tiny</c> fixture (<c>Fixtures/lcm/unet_tiny/</c>) through <see cref="LcmGoldens"/>.</summary>
internal static class UNetFixture
{
    /// <summary>The README's bound for a correct port (meta.json suggests 7.2e-5 to 7.4e-5 on the outputs).</summary>
    public const double Tolerance = 1e-4;

    public static string Folder => LcmGoldens.Folder("unet_tiny");

    public static Dictionary<string, Tensor> Read(string file) => LcmGoldens.Read("unet_tiny", file);

    public static double MaxAbsDiff(Tensor actual, Tensor expected) => LcmGoldens.MaxAbsDiff(actual, expected);

    public static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = Tolerance) =>
        LcmGoldens.AssertClose(expected, actual, what, tolerance);

    public static string TempFolder() => LcmGoldens.TempFolder("unet");
}
