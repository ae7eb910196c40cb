namespace Pipeline.Models.Diffusion.Text;

/// <summary>The MLP activations CLIP text encoders use (<c>hidden_act</c> in config.json).</summary>
public enum ClipHiddenAct
{
    /// <summary><c>quick_gelu</c>: h * sigmoid(1.702 h) (OpenAI CLIP, SD-1.5).</summary>
    QuickGelu,

    /// <summary><c>gelu</c>: exact erf GELU (OpenCLIP ViT-H/bigG text towers, SD-2 / SDXL).</summary>
    Gelu,
}
