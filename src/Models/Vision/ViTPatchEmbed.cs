using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>PatchEmbed</c>: a stride-<c>patch</c> convolution (<c>proj</c>) that turns [B, C, H, W] pixels into
/// [B, N, D] patch tokens, row-major over the (H / patch, W / patch) grid. Trailing pixels that do not fill a whole
/// patch are dropped, as the convolution (and every DINOv2 implementation) does.
/// </summary>
public sealed class ViTPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the projection for <paramref name="inChans"/> input channels.</summary>
    public ViTPatchEmbed(int inChans, int embedDim, int patchSize, Device? device = null)
        : base(nameof(ViTPatchEmbed))
    {
        PatchSize = patchSize;
        proj = nn.Conv2d(inChans, embedDim, kernel_size: patchSize, stride: patchSize, bias: true, device: device);
        RegisterComponents();
    }

    /// <summary>Patch side in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>The token grid an input of <paramref name="height"/> x <paramref name="width"/> pixels produces.</summary>
    public (int Height, int Width) GridSize(long height, long width) => ((int)(height / PatchSize), (int)(width / PatchSize));

    /// <summary>[B, C, H, W] -> [B, N, D].</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        // flatten + transpose is a view; the position add that follows writes a contiguous [B, N, D] tensor.
        return proj.forward(pixels).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
