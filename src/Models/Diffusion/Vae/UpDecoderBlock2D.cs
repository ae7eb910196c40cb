using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>UpDecoderBlock2D</c>: <c>resnets</c> (no time embedding, eps 1e-6) then, except at the last level,
/// <c>upsamplers.0</c> (nearest x2, 3x3 conv).
/// </summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Creates the block.</summary>
    public UpDecoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool addUpsample)
        : base(nameof(UpDecoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < layers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, null, groups, 1e-6));
        }
        if (addUpsample)
        {
            upsamplers = new ModuleList<Upsample2D>(new Upsample2D(outChannels));
        }
        RegisterComponents();
    }

    /// <summary>[B, Cin, H, W] -> [B, Cout, 2H, 2W] (or [B, Cout, H, W] at the last level).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var resnet in resnets)
        {
            h = resnet.forward(h);
        }
        if (upsamplers is not null)
        {
            h = upsamplers[0].forward(h);
        }
        return h.MoveToOuterDisposeScope();
    }
}
