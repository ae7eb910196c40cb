using TorchSharp;

namespace Pipeline.Models.Vision;

/// <summary>
/// A vision backbone with timm's two-step forward. Implemented by TorchSharp modules whose field names equal the timm
/// state-dict names, so a timm checkpoint loads one to one.
/// </summary>
public interface IVisionBackbone
{
    /// <summary>timm <c>forward_features</c>: ViT: all tokens after the final norm [B, T, D]; ConvNets: last map [B, C, H, W].</summary>
    torch.Tensor forward_features(torch.Tensor pixels);

    /// <summary>timm <c>forward_head</c>: pooled pre-logits [B, D] when <paramref name="pre_logits"/>, else class logits.</summary>
    torch.Tensor forward_head(torch.Tensor features, bool pre_logits = false);

    /// <summary>Width of the pooled pre-logits output (timm <c>num_features</c>).</summary>
    int num_features { get; }

    /// <summary>The module itself, for state-dict loading, device moves and eval mode.</summary>
    torch.nn.Module AsModule();
}
