using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>Transformer2DModel</c> on continuous input: <c>norm</c> (GroupNorm, eps 1e-6) -> <c>proj_in</c>
/// (1x1 conv, or Linear with use_linear_projection, applied after flattening) -> H*W tokens ->
/// <c>transformer_blocks</c> -> <c>proj_out</c> -> back to [B, C, H, W] -> + residual.
/// </summary>
public sealed class Transformer2DModel : nn.Module
{
    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool _linearProjection;

    /// <summary>Creates the transformer over <paramref name="channels"/> = heads * head width channels.</summary>
    public Transformer2DModel(int channels, int heads, int layers, int crossAttentionDim, int normGroups, bool useLinearProjection)
        : base(nameof(Transformer2DModel))
    {
        var headDim = channels / heads;
        var inner = heads * headDim;
        norm = Norms.GroupNorm(normGroups, channels, 1e-6);
        _linearProjection = useLinearProjection;
        proj_in = useLinearProjection ? new TokenLinear(channels, inner, hasBias: true) : nn.Conv2d(channels, inner, 1);
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (var i = 0; i < layers; i++)
        {
            transformer_blocks.Add(new BasicTransformerBlock(inner, heads, headDim, crossAttentionDim));
        }
        proj_out = useLinearProjection ? new TokenLinear(inner, channels, hasBias: true) : nn.Conv2d(inner, channels, 1);
        RegisterComponents();
    }

    /// <summary>[B, C, H, W] with context [B, M, crossAttentionDim] -> [B, C, H, W].</summary>
    public Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        var b = x.shape[0];
        var h = x.shape[2];
        var w = x.shape[3];
        var hidden = norm.forward(x);
        Tensor tokens;
        if (_linearProjection)
        {
            tokens = proj_in.forward(hidden.permute(0, 2, 3, 1).reshape(b, h * w, hidden.shape[1]));
        }
        else
        {
            hidden = proj_in.forward(hidden);
            tokens = hidden.permute(0, 2, 3, 1).reshape(b, h * w, hidden.shape[1]);
        }
        foreach (var block in transformer_blocks)
        {
            tokens = block.forward(tokens, context);
        }
        var inner = tokens.shape[2];
        Tensor output;
        if (_linearProjection)
        {
            output = proj_out.forward(tokens).reshape(b, h, w, -1).permute(0, 3, 1, 2).contiguous();
        }
        else
        {
            output = proj_out.forward(tokens.reshape(b, h, w, inner).permute(0, 3, 1, 2).contiguous());
        }
        return (output + x).MoveToOuterDisposeScope();
    }
}
