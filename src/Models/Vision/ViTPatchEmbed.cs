using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision;

/// <summary>
/// timm <c>PatchEmbed</c>: a stride-<c>patch</c> convolution (<c>proj</c>) that turns [B, C, H, W] pixels into
/// [B, N, D] patch tokens, row-major over the (H / patch, W / patch) grid. Trailing pixels that do not fill a whole
/// patch are dropped, as the convolution (and Hugging Face's DINOv2) does; with <c>dynamic_img_pad</c> the input is
/// instead zero-padded at the bottom and right to the next multiple, as timm's <c>PatchEmbed</c> does.
/// </summary>
public sealed class ViTPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the projection for <paramref name="inChans"/> input channels.</summary>
    public ViTPatchEmbed(int inChans, int embedDim, int patchSize, Device? device = null, bool dynamicImgPad = false)
        : base(nameof(ViTPatchEmbed))
    {
        PatchSize = patchSize;
        DynamicImgPad = dynamicImgPad;
        proj = nn.Conv2d(inChans, embedDim, kernel_size: patchSize, stride: patchSize, bias: true, device: device);
        RegisterComponents();
    }

    /// <summary>Patch side in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>timm <c>dynamic_img_pad</c>: pad to a multiple of the patch instead of dropping the remainder.</summary>
    public bool DynamicImgPad { get; }

    /// <summary>The token grid an input of <paramref name="height"/> x <paramref name="width"/> pixels produces.</summary>
    public (int Height, int Width) GridSize(long height, long width) => DynamicImgPad
        ? ((int)((height + PatchSize - 1) / PatchSize), (int)((width + PatchSize - 1) / PatchSize))
        : ((int)(height / PatchSize), (int)(width / PatchSize));

    /// <summary>[B, C, H, W] -> [B, N, D].</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        if (DynamicImgPad)
        {
            long padH = (PatchSize - (pixels.shape[2] % PatchSize)) % PatchSize, padW = (PatchSize - (pixels.shape[3] % PatchSize)) % PatchSize;
            if (padH > 0 || padW > 0)
            {
                pixels = nn.functional.pad(pixels, [0, padW, 0, padH]);
            }
        }
        // flatten + transpose is a view; the position add that follows writes a contiguous [B, N, D] tensor.
        return proj.forward(pixels).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
