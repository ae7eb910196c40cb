using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.UNet;

/// <summary>
/// diffusers <c>FeedForward</c> with <c>activation_fn="geglu"</c>: <c>net = [GEGLU(dim, 4 dim), Dropout, Linear(4 dim, dim)]</c>,
/// so the keys are <c>net.0.proj</c> and <c>net.2</c> (the dropout has none and is the identity at inference).
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    /// <summary>Creates the feed-forward of width <paramref name="dim"/> with hidden width <paramref name="inner"/>.</summary>
    public FeedForward(int dim, int inner)
        : base(nameof(FeedForward))
    {
        net = new ModuleList<nn.Module<Tensor, Tensor>>(new GEGLU(dim, inner), nn.Dropout(0.0), new TokenLinear(inner, dim, hasBias: true));
        RegisterComponents();
    }

    /// <summary>[..., dim] -> [..., dim].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = net[0].forward(x);
        return net[2].forward(h).MoveToOuterDisposeScope();
    }
}
