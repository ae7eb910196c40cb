namespace Pipeline.Models.Vision;

/// <summary>One decoded EfficientNetV2 block, with channels already scaled and rounded as timm's builder does.</summary>
/// <param name="Type">Block kind.</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="MidChannels">Expanded channels (<c>make_divisible(in * exp_ratio)</c>; = out for ConvBnAct).</param>
/// <param name="KernelSize">Kernel of the spatial convolution.</param>
/// <param name="Stride">Stride of the spatial convolution (only the first block of a stage strides).</param>
/// <param name="SeChannels">Squeeze-excite reduced channels (<c>round(mid * se_ratio / exp_ratio)</c>); 0 = no SE.</param>
/// <param name="HasSkip">Whether the block adds its input (same shape and the arch string allows it).</param>
public sealed record EfficientNetBlockArgs(
    EfficientNetBlockType Type,
    int InChannels,
    int OutChannels,
    int MidChannels,
    int KernelSize,
    int Stride,
    int SeChannels,
    bool HasSkip);
