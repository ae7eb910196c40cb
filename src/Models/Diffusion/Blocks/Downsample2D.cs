using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// diffusers <c>Downsample2D</c> with <c>use_conv=True</c>: a 3x3 stride-2 <c>conv</c>. With padding 0 (the VAE
/// encoder's <c>downsample_padding=0</c>) the input is first padded asymmetrically by (left 0, right 1, top 0,
/// bottom 1), as diffusers does; otherwise the conv pads symmetrically (UNet: padding 1).
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly int _padding;

    /// <summary>Creates the downsampler for <paramref name="channels"/> channels (same in and out).</summary>
    public Downsample2D(int channels, int padding)
        : base(nameof(Downsample2D))
    {
        _padding = padding;
        conv = nn.Conv2d(channels, channels, 3, stride: 2, padding: padding);
        RegisterComponents();
    }

    /// <summary>[B, C, H, W] -> [B, C, H/2, W/2] (rounded as the conv rounds).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = _padding == 0 ? nn.functional.pad(x, [0, 1, 0, 1], PaddingModes.Constant, 0.0) : x;
        return conv.forward(input).MoveToOuterDisposeScope();
    }
}
