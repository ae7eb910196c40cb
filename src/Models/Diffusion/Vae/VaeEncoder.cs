using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>Encoder</c> (the VAE's <c>encoder</c>, <c>double_z=True</c>): <c>conv_in</c> -> <c>down_blocks</c> ->
/// <c>mid_block</c> -> <c>conv_norm_out</c> (eps 1e-6) -> SiLU -> <c>conv_out</c> to 2 * latent channels (mean | logvar).
/// </summary>
public sealed class VaeEncoder : nn.Module
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Creates the encoder of <paramref name="config"/>.</summary>
    public VaeEncoder(AutoencoderKLConfig config)
        : base(nameof(VaeEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        var channels = config.BlockOutChannels;
        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, stride: 1, padding: 1);
        down_blocks = new ModuleList<DownEncoderBlock2D>();
        for (var i = 0; i < channels.Count; i++)
        {
            var input = i == 0 ? channels[0] : channels[i - 1];
            down_blocks.Add(new DownEncoderBlock2D(input, channels[i], config.LayersPerBlock, config.NormNumGroups, addDownsample: i != channels.Count - 1));
        }
        mid_block = new UNetMidBlock2D(channels[^1], config.NormNumGroups, config.MidBlockAddAttention);
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, channels[^1], 1e-6);
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <summary>[B, in, H, W] -> [B, 2 * latent, H / f, W / f], reporting stages to <paramref name="observe"/> (<c>encoder.*</c> names).</summary>
    public Tensor forward(Tensor x, Action<string, Tensor>? observe = null)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(x);
        observe?.Invoke("encoder.conv_in", h);
        for (var i = 0; i < down_blocks.Count; i++)
        {
            h = down_blocks[i].forward(h);
            observe?.Invoke($"encoder.down_blocks.{i}", h);
        }
        h = mid_block.forward(h);
        observe?.Invoke("encoder.mid_block", h);
        h = nn.functional.silu(conv_norm_out.forward(h), inplace: true);
        h = conv_out.forward(h);
        observe?.Invoke("encoder.conv_out", h);
        return h.MoveToOuterDisposeScope();
    }
}
