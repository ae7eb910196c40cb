using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// timm <c>Conv2dSame</c>: a convolution with TensorFlow "SAME" padding computed from the input size on every call
/// (<c>pad = max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0)</c>, the odd pixel going after), used by the
/// <c>tf_</c> ports for convolutions whose padding cannot be static (stride 2). PyTorch's <c>Conv2d</c> pads
/// symmetrically only, so the input is zero-padded explicitly first. Keys: <c>weight</c> [out, in/groups, k, k],
/// optional <c>bias</c>.
/// </summary>
public sealed class Conv2dSame : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long _kernel;
    private readonly long _stride;
    private readonly long _dilation;
    private readonly long _groups;

    /// <summary>Creates the convolution with PyTorch's default (Kaiming-uniform) initialisation.</summary>
    public Conv2dSame(long inChannels, long outChannels, long kernelSize, long stride = 1, long dilation = 1,
        long groups = 1, bool hasBias = true, Device? device = null)
        : base(nameof(Conv2dSame))
    {
        _kernel = kernelSize;
        _stride = stride;
        _dilation = dilation;
        _groups = groups;
        weight = new Parameter(torch.empty([outChannels, inChannels / groups, kernelSize, kernelSize], device: device));
        bias = hasBias ? new Parameter(torch.empty(outChannels, device: device)) : null;
        var bound = 1.0 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
        using (torch.no_grad())
        {
            nn.init.uniform_(weight, -bound, bound);
            if (bias is not null)
            {
                nn.init.uniform_(bias, -bound, bound);
            }
        }
        RegisterComponents();
    }

    /// <summary>Total TF "SAME" padding along one axis of length <paramref name="size"/>.</summary>
    public static long SamePadding(long size, long kernelSize, long stride, long dilation = 1) =>
        Math.Max((((size + stride - 1) / stride) - 1) * stride + (kernelSize - 1) * dilation + 1 - size, 0);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var padH = SamePadding(input.shape[^2], _kernel, _stride, _dilation);
        var padW = SamePadding(input.shape[^1], _kernel, _stride, _dilation);
        var x = padH > 0 || padW > 0
            ? nn.functional.pad(input, [padW / 2, padW - padW / 2, padH / 2, padH - padH / 2])
            : input;
        return nn.functional.conv2d(x, weight, bias, [_stride, _stride], [0, 0], [_dilation, _dilation], _groups)
            .MoveToOuterDisposeScope();
    }
}
