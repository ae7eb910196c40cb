using Pipeline.Models.Diffusion.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Vae;

/// <summary>
/// diffusers <c>DownEncoderBlock2D</c>: <c>resnets</c> (no time embedding, eps 1e-6) then, except at the last level,
/// <c>downsamplers.0</c> with <c>downsample_padding=0</c>: pad (0, 1, 0, 1), 3x3 stride 2, padding 0.
/// </summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Creates the block.</summary>
    public DownEncoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool addDownsample)
        : base(nameof(DownEncoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < layers; i++)
        {
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, null, groups, 1e-6));
        }
        if (addDownsample)
        {
            downsamplers = new ModuleList<Downsample2D>(new Downsample2D(outChannels, padding: 0));
        }
        RegisterComponents();
    }

    /// <summary>[B, Cin, H, W] -> [B, Cout, H/2, W/2] (or [B, Cout, H, W] at the last level).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var resnet in resnets)
        {
            h = resnet.forward(h);
        }
        if (downsamplers is not null)
        {
            h = downsamplers[0].forward(h);
        }
        return h.MoveToOuterDisposeScope();
    }
}
