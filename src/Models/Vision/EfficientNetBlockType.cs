namespace Pipeline.Models.Vision;

/// <summary>The EfficientNetV2 block kinds, by their timm arch-string prefix.</summary>
public enum EfficientNetBlockType
{
    /// <summary><c>cn</c>: timm <c>ConvBnAct</c> (k x k conv, BN, SiLU, optional skip).</summary>
    ConvBnAct,

    /// <summary><c>er</c>: timm <c>EdgeResidual</c> (FusedMBConv: k x k expansion conv, 1x1 projection).</summary>
    EdgeResidual,

    /// <summary><c>ir</c>: timm <c>InvertedResidual</c> (MBConv: 1x1 expansion, depthwise k x k, SE, 1x1 projection).</summary>
    InvertedResidual,
}
