namespace Pipeline.Models.Vision;

/// <summary>How a ViT's <c>forward_head</c> pools the normed token sequence into one embedding.</summary>
public enum ViTPooling
{
    /// <summary>The CLS token after the final norm (DINOv2's embedding, Hugging Face <c>pooler_output</c>, timm <c>global_pool='token'</c>). Width D.</summary>
    Cls,

    /// <summary>Mean of the PATCH tokens after the final norm (CLS and register tokens excluded). Width D.</summary>
    Mean,

    /// <summary>Concatenation [CLS, mean of patch tokens], DINOv2's linear-probe input. Width 2D.</summary>
    ClsMean,
}
