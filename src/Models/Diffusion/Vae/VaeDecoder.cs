using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>Decoder</c> (the VAE's <c>decoder</c>): <c>conv_in</c> -> <c>mid_block</c> -> <c>up_blocks</c>
/// (channels reversed, layers_per_block + 1 resnets each) -> <c>conv_norm_out</c> (eps 1e-6) -> SiLU -> <c>conv_out</c>.
/// </summary>
public sealed class VaeDecoder : nn.Module
{
    private readonly Conv2d conv_in;
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    /// <summary>Creates the decoder of <paramref name="config"/>.</summary>
    public VaeDecoder(AutoencoderKLConfig config)
        : base(nameof(VaeDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        var reversed = config.BlockOutChannels.Reverse().ToList();
        conv_in = nn.Conv2d(config.LatentChannels, reversed[0], 3, stride: 1, padding: 1);
        mid_block = new UNetMidBlock2D(reversed[0], config.NormNumGroups, config.MidBlockAddAttention);
        up_blocks = new ModuleList<UpDecoderBlock2D>();
        for (var i = 0; i < reversed.Count; i++)
        {
            var input = i == 0 ? reversed[0] : reversed[i - 1];
            up_blocks.Add(new UpDecoderBlock2D(input, reversed[i], config.LayersPerBlock + 1, config.NormNumGroups, addUpsample: i != reversed.Count - 1));
        }
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, config.BlockOutChannels[0], 1e-6);
        conv_out = nn.Conv2d(config.BlockOutChannels[0], config.OutChannels, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    /// <summary>[B, latent, h, w] -> [B, out, h * f, w * f], reporting stages to <paramref name="observe"/> (<c>decoder.*</c> names).</summary>
    public Tensor forward(Tensor z, Action<string, Tensor>? observe = null)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(z);
        observe?.Invoke("decoder.conv_in", h);
        h = mid_block.forward(h);
        observe?.Invoke("decoder.mid_block", h);
        for (var i = 0; i < up_blocks.Count; i++)
        {
            h = up_blocks[i].forward(h);
            observe?.Invoke($"decoder.up_blocks.{i}", h);
        }
        h = conv_norm_out.forward(h);
        observe?.Invoke("decoder.conv_norm_out", h);
        h = nn.functional.silu(h);
        return conv_out.forward(h).MoveToOuterDisposeScope();
    }
}
