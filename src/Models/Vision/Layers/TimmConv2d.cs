using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Vision.Layers;

/// <summary>
/// timm <c>create_conv2d</c> for the two padding schemes Pipeline meets: PyTorch-style symmetric padding
/// (<c>((s - 1) + d * (k - 1)) / 2</c>) and TensorFlow "SAME" (static <c>(k - 1) / 2</c> where stride 1 allows it,
/// otherwise a dynamically padded <see cref="Conv2dSame"/>). Either way the module's keys are <c>weight</c> and
/// optionally <c>bias</c>.
/// </summary>
public static class TimmConv2d
{
    /// <summary>Builds a 2-D convolution with timm's padding rule.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="groups">Groups (= channels for depthwise).</param>
    /// <param name="hasBias">Whether the convolution has a bias.</param>
    /// <param name="tfSame">TensorFlow "SAME" padding (timm <c>pad_type='same'</c>) instead of symmetric padding.</param>
    /// <param name="device">Where to allocate.</param>
    public static nn.Module<Tensor, Tensor> Create(long inChannels, long outChannels, long kernelSize, long stride = 1,
        long groups = 1, bool hasBias = false, bool tfSame = false, Device? device = null)
    {
        var dilation = 1L;
        if (tfSame && !(stride == 1 && (dilation * (kernelSize - 1)) % 2 == 0))
        {
            return new Conv2dSame(inChannels, outChannels, kernelSize, stride, dilation, groups, hasBias, device);
        }
        var padding = tfSame ? (kernelSize - 1) / 2 : ((stride - 1) + dilation * (kernelSize - 1)) / 2;
        return nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, dilation, groups: groups, bias: hasBias,
            device: device);
    }
}
