using System.Globalization;

namespace Pipeline.Bench;

/// <summary>The models benchmarked by default, at the resolutions of the peer figures in ENVIRONMENT.md.</summary>
public static class BenchmarkDefaults
{
    public static readonly string[] ForwardModels =
    [
        "vit_small_patch14_dinov2.lvd142m@224",
        "vit_base_patch14_dinov2.lvd142m@224",
        "convnext_tiny.fb_in22k_ft_in1k",
        "convnextv2_tiny.fcmae_ft_in22k_in1k",
        "tf_efficientnetv2_s.in21k_ft_in1k",
    ];

    private static readonly Dictionary<string, string> Peers = new()
    {
        ["vit_small_patch14_dinov2.lvd142m@224"] = "19.8 / 20.6",
        ["vit_base_patch14_dinov2.lvd142m@224"] = "5.75 / 5.69",
        ["convnext_tiny.fb_in22k_ft_in1k"] = "25.4 / 26.2",
        ["convnextv2_tiny.fcmae_ft_in22k_in1k"] = "18.6 / 18.2",
        ["tf_efficientnetv2_s.in21k_ft_in1k"] = "17.4 / 18.1 (@300)",
    };

    public static (string Name, int? Resolution) Parse(string spec)
    {
        int at = spec.LastIndexOf('@');
        return at < 0 ? (spec, null) : (spec[..at], int.Parse(spec[(at + 1)..], CultureInfo.InvariantCulture));
    }

    public static string Peer(string spec) => Peers.GetValueOrDefault(spec, "-");
}
