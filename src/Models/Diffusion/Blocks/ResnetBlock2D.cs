using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Blocks;

/// <summary>
/// diffusers <c>ResnetBlock2D</c> with <c>resnet_time_scale_shift="default"</c>:
/// <c>(shortcut(x) + conv2(silu(norm2(conv1(silu(norm1 x)) + time_emb_proj(silu temb)[:, :, None, None])))) / output_scale_factor</c>.
/// The UNet passes a time embedding (and so has <c>time_emb_proj</c>); the VAE does not (no <c>time_emb_proj</c> key).
/// <c>conv_shortcut</c> (1x1) exists only when the channel count changes, as in diffusers.
/// </summary>
public sealed class ResnetBlock2D : nn.Module
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;
    private readonly double _outputScaleFactor;

    /// <summary>Creates the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="tembChannels">Width of the time embedding, or null for a block without one (VAE).</param>
    /// <param name="groups">GroupNorm groups of both norms.</param>
    /// <param name="eps">GroupNorm epsilon (UNet: norm_eps; VAE: 1e-6).</param>
    /// <param name="outputScaleFactor">Divisor of the output (diffusers' <c>output_scale_factor</c>).</param>
    public ResnetBlock2D(int inChannels, int outChannels, int? tembChannels, int groups, double eps, double outputScaleFactor = 1.0)
        : base(nameof(ResnetBlock2D))
    {
        norm1 = Norms.GroupNorm(groups, inChannels, eps);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1);
        if (tembChannels is { } t)
        {
            time_emb_proj = nn.Linear(t, outChannels, hasBias: true);
        }
        norm2 = Norms.GroupNorm(groups, outChannels, eps);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1);
        if (inChannels != outChannels)
        {
            conv_shortcut = nn.Conv2d(inChannels, outChannels, 1);
        }
        _outputScaleFactor = outputScaleFactor;
        RegisterComponents();
    }

    /// <summary>[B, Cin, H, W] (and [B, T] time embedding when the block has one) -> [B, Cout, H, W].</summary>
    public Tensor forward(Tensor x, Tensor? temb = null)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(norm1.forward(x), inplace: true);
        h = conv1.forward(h);
        if (time_emb_proj is not null)
        {
            if (temb is null)
            {
                throw new ArgumentNullException(nameof(temb), "this ResnetBlock2D has a time_emb_proj and needs a time embedding");
            }
            var t = time_emb_proj.forward(nn.functional.silu(temb));
            h = h + t.unsqueeze(-1).unsqueeze(-1);
        }
        h = nn.functional.silu(norm2.forward(h), inplace: true);
        h = conv2.forward(h);
        var shortcut = conv_shortcut is null ? x : conv_shortcut.forward(x);
        var output = shortcut + h;
        if (_outputScaleFactor != 1.0)
        {
            output = output / _outputScaleFactor;
        }
        return output.MoveToOuterDisposeScope();
    }
}
