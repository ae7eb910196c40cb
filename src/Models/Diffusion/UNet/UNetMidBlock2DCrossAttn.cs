using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>UNetMidBlock2DCrossAttn</c> (one layer): <c>resnets.0</c>, then <c>attentions.0</c>, then
/// <c>resnets.1</c>, at the deepest level's width; resnets use <c>mid_block_scale_factor</c>.
/// </summary>
public sealed class UNetMidBlock2DCrossAttn : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel> attentions;

    /// <summary>Creates the mid block of <paramref name="config"/>.</summary>
    public UNetMidBlock2DCrossAttn(UNet2DConditionConfig config)
        : base(nameof(UNetMidBlock2DCrossAttn))
    {
        ArgumentNullException.ThrowIfNull(config);
        var channels = config.BlockOutChannels[^1];
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, config.TimeEmbedDim, config.NormNumGroups, config.NormEps, config.MidBlockScaleFactor),
            new ResnetBlock2D(channels, channels, config.TimeEmbedDim, config.NormNumGroups, config.NormEps, config.MidBlockScaleFactor));
        attentions = new ModuleList<Transformer2DModel>(new Transformer2DModel(
            channels, config.NumAttentionHeads[^1], config.TransformerLayersPerBlock[^1], config.CrossAttentionDim,
            config.NormNumGroups, config.UseLinearProjection));
        RegisterComponents();
    }

    /// <summary>[B, C, H, W] -> [B, C, H, W].</summary>
    public Tensor forward(Tensor x, Tensor temb, Tensor context)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(x, temb);
        h = attentions[0].forward(h, context);
        h = resnets[1].forward(h, temb);
        return h.MoveToOuterDisposeScope();
    }
}
