namespace Pipeline.Models.Registry;

/// <summary>Every published variant Pipeline knows, by name. Each family file ends with its variant table.</summary>
public static class ModelRegistry
{
    // Each family contributes its table here (e.g. ConvNeXtVariants.All).
    private static readonly ModelVariant[] Variants =
    [
        .. Pipeline.Models.Vision.VisionTransformerVariants.All,
        .. Pipeline.Models.Vision.ConvNeXtVariants.All,
        .. Pipeline.Models.Vision.EfficientNetV2Variants.All,
    ];

    private static readonly Dictionary<string, ModelVariant> ByName =
        Variants.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<ModelVariant> All => Variants;

    public static bool TryGet(string name, out ModelVariant variant) => ByName.TryGetValue(name, out variant!);

    public static ModelVariant Get(string name) =>
        TryGet(name, out var variant)
            ? variant
            : throw new KeyNotFoundException(
                $"Unknown model '{name}'. Run 'pipeline models' for the list, or pass a model folder.");
}
