using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>CrossAttnDownBlock2D</c> (with <c>attentions</c>) and <c>DownBlock2D</c> (without): per layer
/// <c>resnets[i]</c> then, when present, <c>attentions[i]</c>; then <c>downsamplers.0</c> unless it is the last level.
/// Every layer's output and the downsampled output are the skip features the up path concatenates.
/// </summary>
public sealed class UNetDownBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel>? attentions;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates level <paramref name="index"/> of the down path of <paramref name="config"/>.</summary>
    public UNetDownBlock2D(UNet2DConditionConfig config, int index, int inChannels)
        : base(nameof(UNetDownBlock2D))
    {
        ArgumentNullException.ThrowIfNull(config);
        var outChannels = config.BlockOutChannels[index];
        var withAttention = config.DownBlockTypes[index] == UNet2DConditionConfig.CrossAttnDownBlock2D;
        var isFinal = index == config.BlockOutChannels.Count - 1;
        resnets = new ModuleList<ResnetBlock2D>();
        if (withAttention)
        {
            attentions = new ModuleList<Transformer2DModel>();
        }
        for (var i = 0; i < config.LayersPerBlock; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, config.TimeEmbedDim, config.NormNumGroups, config.NormEps));
            attentions?.Add(new Transformer2DModel(
                outChannels, config.NumAttentionHeads[index], config.TransformerLayersPerBlock[index], config.CrossAttentionDim,
                config.NormNumGroups, config.UseLinearProjection));
        }
        if (!isFinal)
        {
            downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, config.DownsamplePadding));
        }
        RegisterComponents();
    }

    /// <summary>[B, Cin, H, W] -> the block output and the skip features it contributes, in order.</summary>
    public (Tensor Hidden, IReadOnlyList<Tensor> Skips) forward(Tensor x, Tensor temb, Tensor context)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>();
        var h = x;
        for (var i = 0; i < resnets.Count; i++)
        {
            h = resnets[i].forward(h, temb);
            if (attentions is not null)
            {
                h = attentions[i].forward(h, context);
            }
            skips.Add(h);
        }
        if (downsamplers is not null)
        {
            h = downsamplers[0].forward(h);
            skips.Add(h);
        }
        // h is the last skip feature, so moving the skips out moves it too.
        foreach (var s in skips)
        {
            s.MoveToOuterDisposeScope();
        }
        return (h, skips);
    }
}
