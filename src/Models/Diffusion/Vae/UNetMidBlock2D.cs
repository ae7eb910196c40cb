using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>UNetMidBlock2D</c> as the VAE uses it (no time embedding, eps 1e-6, one layer):
/// <c>resnets.0</c>, then (when <c>mid_block_add_attention</c>) <c>attentions.0</c> — single-head self-attention with
/// bias, <c>group_norm</c> and residual — then <c>resnets.1</c>.
/// </summary>
public sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Attention>? attentions;

    /// <summary>Creates the mid block over <paramref name="channels"/> channels.</summary>
    public UNetMidBlock2D(int channels, int groups, bool addAttention)
        : base(nameof(UNetMidBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, null, groups, 1e-6),
            new ResnetBlock2D(channels, channels, null, groups, 1e-6));
        if (addAttention)
        {
            // attention_head_dim = channels: one head of the full width.
            attentions = new ModuleList<Attention>(new Attention(channels, null, 1, channels, bias: true, normGroups: groups, normEps: 1e-6));
        }
        RegisterComponents();
    }

    /// <summary>[B, C, H, W] -> [B, C, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(x);
        if (attentions is not null)
        {
            h = attentions[0].ForwardSpatial(h);
        }
        h = resnets[1].forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
