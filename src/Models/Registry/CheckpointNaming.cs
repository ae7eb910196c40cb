namespace Pipeline.Models.Registry;

/// <summary>The three state-dict naming schemes users meet.</summary>
public enum CheckpointNaming
{
    /// <summary>timm names (also the module field names).</summary>
    Timm,

    /// <summary>Hugging Face transformers names (<c>convnext.</c>, <c>embeddings.</c>, <c>encoder.layer.N</c>, ...).</summary>
    HuggingFace,

    /// <summary>The original research repositories (facebookresearch/dinov2, facebookresearch/ConvNeXt).</summary>
    Original,
}
