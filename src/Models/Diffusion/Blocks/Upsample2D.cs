using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// diffusers <c>Upsample2D</c> with <c>use_conv=True</c>: nearest-neighbour x2 (or to an explicit size, which the
/// UNet passes when the latent size is not a multiple of its total downsampling) then a 3x3 <c>conv</c>, padding 1.
/// </summary>
public sealed class Upsample2D : nn.Module
{
    private readonly Conv2d conv;

    /// <summary>Creates the upsampler for <paramref name="channels"/> channels (same in and out).</summary>
    public Upsample2D(int channels)
        : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, channels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <summary>[B, C, H, W] -> [B, C, 2H, 2W], or [B, C, size[0], size[1]] when <paramref name="size"/> is given.</summary>
    public Tensor forward(Tensor x, long[]? size = null)
    {
        using var scope = NewDisposeScope();
        var up = size is null
            ? nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(x, size: size, mode: InterpolationMode.Nearest);
        return conv.forward(up).MoveToOuterDisposeScope();
    }
}
