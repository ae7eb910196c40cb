namespace Pipeline.Models.Registry;

/// <summary>
/// Every published variant Pipeline knows, by name. Each family file ends with its variant table and the default
/// timm tag of each architecture in it. Names are a timm <c>architecture.tag</c>, a bare timm architecture (which
/// resolves to timm's default tag, as <c>timm.create_model</c> does) or a Hugging Face Hub id. Case-insensitive.
/// </summary>
public static class ModelRegistry
{
    // Each family contributes its table here (e.g. ConvNeXtVariants.All).
    private static readonly ModelVariant[] Variants =
    [
        .. Pipeline.Models.Vision.VisionTransformerVariants.All,
        .. Pipeline.Models.Vision.ConvNeXtVariants.All,
        .. Pipeline.Models.Vision.EfficientNetV2Variants.All,
    ];

    private static readonly string[] DefaultTags =
    [
        .. Pipeline.Models.Vision.VisionTransformerVariants.TimmDefaultTags,
        .. Pipeline.Models.Vision.ConvNeXtVariants.TimmDefaultTags,
        .. Pipeline.Models.Vision.EfficientNetV2Variants.TimmDefaultTags,
    ];

    private static readonly Dictionary<string, ModelVariant> ByName =
        Variants.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly TimmArchitecture[] ArchitectureTable = BuildArchitectures();

    private static readonly Dictionary<string, TimmArchitecture> ByArchitecture =
        ArchitectureTable.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every variant, in table order.</summary>
    public static IReadOnlyList<ModelVariant> All => Variants;

    /// <summary>Every timm architecture with its default tag and its variants, ordered by name.</summary>
    public static IReadOnlyList<TimmArchitecture> Architectures => ArchitectureTable;

    /// <summary>
    /// Finds a variant by its full name (<c>convnext_tiny.fb_in1k</c>, <c>facebook/dinov2-base</c>) or by a bare timm
    /// architecture (<c>convnext_tiny</c>), which gives timm's default tag for it.
    /// </summary>
    public static bool TryGet(string name, out ModelVariant variant)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ByName.TryGetValue(name, out variant!))
        {
            return true;
        }
        if (ByArchitecture.TryGetValue(name, out var architecture))
        {
            variant = architecture.Default;
            return true;
        }
        return false;
    }

    /// <summary>As <see cref="TryGet"/>; an unknown name throws with the closest known names.</summary>
    /// <exception cref="KeyNotFoundException">The name is not in the registry.</exception>
    public static ModelVariant Get(string name) =>
        TryGet(name, out var variant)
            ? variant
            : throw new KeyNotFoundException(
                $"Unknown model '{name}'.{Hint(name)} Run 'pipeline models' for the list, or pass a model folder.");

    /// <summary>
    /// timm's default tag of a bare architecture, as a full name: <c>DefaultTag("convnext_tiny")</c> is
    /// <c>convnext_tiny.in12k_ft_in1k</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The registry has no such timm architecture.</exception>
    public static string DefaultTag(string architecture) =>
        TryGetDefaultTag(architecture, out var tag)
            ? tag
            : throw new KeyNotFoundException($"Unknown timm architecture '{architecture}'.{Hint(architecture)}");

    /// <summary>As <see cref="DefaultTag"/>, without throwing.</summary>
    public static bool TryGetDefaultTag(string architecture, out string defaultTag)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        defaultTag = ByArchitecture.TryGetValue(architecture, out var a) ? a.Default.Name : "";
        return defaultTag.Length > 0;
    }

    /// <summary>
    /// Known names closest to an unknown one, best first: the tags of its architecture when only the tag is wrong,
    /// otherwise names that contain it, then names within a small edit distance.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string name, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(name);
        var query = name.Trim();
        var dot = query.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && ByArchitecture.TryGetValue(query[..dot], out var known))
        {
            return [.. known.Variants.Select(v => v.Name).Take(count)];
        }
        var candidates = ArchitectureTable.Select(a => a.Name).Concat(Variants.Select(v => v.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
        var budget = Math.Max(2, query.Length / 4);
        return [.. candidates
            .Select(c => (Name: c, Score: Score(query, c)))
            .Where(s => s.Score <= budget)
            .OrderBy(s => s.Score)
            .ThenBy(s => s.Name.Length)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(s => s.Name)];
    }

    /// <summary>" Did you mean ...?" for an unknown name, or "" when nothing is close.</summary>
    public static string Hint(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var suggestions = Suggest(name);
        if (dot > 0 && ByArchitecture.TryGetValue(name[..dot], out var known))
        {
            return $" Pipeline knows these tags of {known.Name} (default first): {string.Join(", ", suggestions)}.";
        }
        return suggestions.Count == 0 ? "" : $" Did you mean {string.Join(", ", suggestions.Select(s => $"'{s}'"))}?";
    }

    // Substring matches rank first (0), then the edit distance (case-insensitive).
    private static int Score(string query, string candidate) =>
        query.Length >= 4 && candidate.Contains(query, StringComparison.OrdinalIgnoreCase)
            ? 0
            : EditDistance(query.ToLowerInvariant(), candidate.ToLowerInvariant());

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// Groups the timm-named variants by architecture and pairs each with its default tag. A table without a default
    /// for one of its architectures, or a default that is not in the table, is a bug in the data: fail at load.
    /// </summary>
    private static TimmArchitecture[] BuildArchitectures()
    {
        var defaults = new Dictionary<string, ModelVariant>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in DefaultTags)
        {
            if (!ByName.TryGetValue(tag, out var variant) || variant.Naming != CheckpointNaming.Timm)
            {
                throw new InvalidOperationException($"Default tag '{tag}' is not a timm variant in the registry tables.");
            }
            if (!defaults.TryAdd(ArchitectureOf(tag), variant))
            {
                throw new InvalidOperationException($"Architecture '{ArchitectureOf(tag)}' has more than one default tag ('{tag}', '{defaults[ArchitectureOf(tag)].Name}').");
            }
        }
        var architectures = new List<TimmArchitecture>();
        foreach (var group in Variants.Where(IsTimmTag).GroupBy(v => ArchitectureOf(v.Name), StringComparer.OrdinalIgnoreCase))
        {
            if (!defaults.TryGetValue(group.Key, out var @default))
            {
                throw new InvalidOperationException($"Architecture '{group.Key}' has variants but no default tag in its family's TimmDefaultTags.");
            }
            architectures.Add(new TimmArchitecture(group.Key, @default, [@default, .. group.Where(v => !ReferenceEquals(v, @default))]));
        }
        return [.. architectures.OrderBy(a => a.Name, StringComparer.Ordinal)];
    }

    private static bool IsTimmTag(ModelVariant variant) =>
        variant.Naming == CheckpointNaming.Timm && !variant.Name.Contains('/', StringComparison.Ordinal) && variant.Name.Contains('.', StringComparison.Ordinal);

    private static string ArchitectureOf(string tag) => tag.Split('.', 2)[0];
}
