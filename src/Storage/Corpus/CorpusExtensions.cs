namespace Pipeline.Storage.Corpus;

/// <summary>Which names are images, tars and manifests (by extension, case-insensitive).</summary>
internal static class CorpusExtensions
{
    public const string Tar = ".tar";

    /// <summary>The kind of a listed or manifest path, or null when it is neither an image nor a tar.</summary>
    public static CorpusEntryKind? KindOf(string path, IReadOnlyList<string> imageExtensions)
    {
        if (path.EndsWith(Tar, StringComparison.OrdinalIgnoreCase))
        {
            return CorpusEntryKind.Tar;
        }

        return IsImage(path, imageExtensions) ? CorpusEntryKind.Image : null;
    }

    /// <summary>Whether <paramref name="path"/> ends with one of <paramref name="imageExtensions"/>.</summary>
    public static bool IsImage(string path, IReadOnlyList<string> imageExtensions)
    {
        foreach (var extension in imageExtensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The manifest format named by the input's extension, or null when it is not a manifest.</summary>
    public static ManifestFormat? ManifestFormatOf(string input)
    {
        var trimmed = input.Trim().TrimEnd('/');
        if (trimmed.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return ManifestFormat.Text;
        }

        if (trimmed.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return ManifestFormat.Csv;
        }

        return trimmed.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? ManifestFormat.Parquet : null;
    }
}
