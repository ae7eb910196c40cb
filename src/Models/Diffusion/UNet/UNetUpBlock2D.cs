using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>CrossAttnUpBlock2D</c> (with <c>attentions</c>) and <c>UpBlock2D</c> (without): layers_per_block + 1
/// layers, each concatenating the latest unused skip feature on channels (<c>cat([h, skip], 1)</c>) before
/// <c>resnets[i]</c> (and <c>attentions[i]</c>); then <c>upsamplers.0</c> unless it is the last level.
/// </summary>
public sealed class UNetUpBlock2D : nn.Module
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Transformer2DModel>? attentions;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates level <paramref name="index"/> of the up path (0 = deepest) of <paramref name="config"/>.</summary>
    public UNetUpBlock2D(UNet2DConditionConfig config, int index)
        : base(nameof(UNetUpBlock2D))
    {
        ArgumentNullException.ThrowIfNull(config);
        var n = config.BlockOutChannels.Count;
        var reversed = config.BlockOutChannels.Reverse().ToList();
        var reversedHeads = config.NumAttentionHeads.Reverse().ToList();
        var reversedLayers = config.TransformerLayersPerBlock.Reverse().ToList();
        var prevOutput = reversed[Math.Max(index - 1, 0)];
        var outChannels = reversed[index];
        var inChannels = reversed[Math.Min(index + 1, n - 1)];
        var isFinal = index == n - 1;
        var withAttention = config.UpBlockTypes[index] == UNet2DConditionConfig.CrossAttnUpBlock2D;
        var layers = config.LayersPerBlock + 1;
        resnets = new ModuleList<ResnetBlock2D>();
        if (withAttention)
        {
            attentions = new ModuleList<Transformer2DModel>();
        }
        for (var i = 0; i < layers; i++)
        {
            var skipChannels = i == layers - 1 ? inChannels : outChannels;
            var resnetIn = i == 0 ? prevOutput : outChannels;
            resnets.Add(new ResnetBlock2D(resnetIn + skipChannels, outChannels, config.TimeEmbedDim, config.NormNumGroups, config.NormEps));
            attentions?.Add(new Transformer2DModel(
                outChannels, reversedHeads[index], reversedLayers[index], config.CrossAttentionDim,
                config.NormNumGroups, config.UseLinearProjection));
        }
        if (!isFinal)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels));
        }
        RegisterComponents();
    }

    /// <summary>How many skip features the block consumes.</summary>
    public int SkipCount => resnets.Count;

    /// <summary>
    /// [B, Cin, H, W] with this block's skip features (oldest first; consumed from the end) -> the block output,
    /// upsampled to <paramref name="upsampleSize"/> when given, else x2.
    /// </summary>
    public Tensor forward(Tensor x, IReadOnlyList<Tensor> skips, Tensor temb, Tensor context, long[]? upsampleSize = null)
    {
        ArgumentNullException.ThrowIfNull(skips);
        if (skips.Count != resnets.Count)
        {
            throw new ArgumentException($"expected {resnets.Count} skip features, seen {skips.Count}", nameof(skips));
        }
        using var scope = NewDisposeScope();
        var h = x;
        for (var i = 0; i < resnets.Count; i++)
        {
            h = cat([h, skips[skips.Count - 1 - i]], 1);
            h = resnets[i].forward(h, temb);
            if (attentions is not null)
            {
                h = attentions[i].forward(h, context);
            }
        }
        if (upsamplers is not null)
        {
            h = upsamplers[0].forward(h, upsampleSize);
        }
        return h.MoveToOuterDisposeScope();
    }
}
