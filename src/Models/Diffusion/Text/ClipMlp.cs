using TorchSharp;
using TorchSharp.Modules;
using Pipeline.Models.Vision.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Diffusion.Text;

/// <summary>transformers <c>CLIPMLP</c>: <c>fc2(act(fc1(x)))</c>, act = quick_gelu or exact GELU.</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly TokenLinear fc1;
    private readonly TokenLinear fc2;
    private readonly ClipHiddenAct _act;

    /// <summary>Creates the MLP D -> <paramref name="hidden"/> -> D.</summary>
    public ClipMlp(int dim, int hidden, ClipHiddenAct act, Device? device = null)
        : base(nameof(ClipMlp))
    {
        _act = act;
        fc1 = new TokenLinear(dim, hidden, hasBias: true, device: device);
        fc2 = new TokenLinear(hidden, dim, hasBias: true, device: device);
        RegisterComponents();
    }

    /// <summary>[B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = fc1.forward(x);
        h = _act switch
        {
            // quick_gelu(h) = h * sigmoid(1.702 h)
            ClipHiddenAct.QuickGelu => h * torch.sigmoid(h * 1.702),
            _ => nn.functional.gelu(h),
        };
        return fc2.forward(h).MoveToOuterDisposeScope();
    }
}
