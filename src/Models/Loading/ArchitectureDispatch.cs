using System.Text.Json;
using Pipeline.Models.Registry;
using Pipeline.Models.Vision;

namespace Pipeline.Models.Loading;

/// <summary>Sends a model folder's architecture description to the parser of its family.</summary>
public static class ArchitectureDispatch
{
    /// <summary>Hugging Face transformers <c>model_type</c> values Pipeline reads.</summary>
    public static IReadOnlyList<string> HuggingFaceModelTypes { get; } = ["dinov2", "dinov2_with_registers", "convnext", "convnextv2"];

    /// <summary>A transformers <c>config.json</c> by its <c>model_type</c>.</summary>
    /// <exception cref="NotSupportedException">A <c>model_type</c> no family reads.</exception>
    public static ArchitectureConfig FromHuggingFace(JsonElement config)
    {
        var modelType = config.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
        return modelType switch
        {
            "dinov2" or "dinov2_with_registers" => VisionTransformerConfig.FromHuggingFace(config),
            "convnext" or "convnextv2" => ConvNeXtConfig.FromHuggingFace(config),
            _ => throw new NotSupportedException(
                $"Hugging Face model_type '{modelType}' is not supported; supported: {string.Join(", ", HuggingFaceModelTypes)}"),
        };
    }

    /// <summary>A timm <c>architecture</c> (with the Hub folder's optional <c>model_args</c>) by its name.</summary>
    /// <exception cref="NotSupportedException">An architecture no family builds.</exception>
    public static ArchitectureConfig FromTimm(string architecture, JsonElement? modelArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        if (architecture.StartsWith("vit_", StringComparison.Ordinal))
        {
            return VisionTransformerConfig.FromTimm(architecture, modelArgs);
        }
        if (architecture.StartsWith("convnext", StringComparison.Ordinal))
        {
            return ConvNeXtConfig.FromTimm(architecture, modelArgs);
        }
        if (architecture.StartsWith("tf_efficientnetv2_", StringComparison.Ordinal) || architecture.StartsWith("efficientnetv2_", StringComparison.Ordinal))
        {
            return EfficientNetV2Config.FromTimm(architecture, modelArgs);
        }
        throw new NotSupportedException(
            $"timm architecture '{architecture}' is not supported; supported families: vit_*_patch14[_reg4]_dinov2, convnext_*, convnextv2_*, [tf_]efficientnetv2_*");
    }
}
