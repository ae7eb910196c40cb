namespace Pipeline.Storage.Corpus;

/// <summary>Which column of a CSV or parquet manifest holds the paths: <c>image_path</c>, else <c>path</c>.</summary>
internal static class ManifestColumns
{
    /// <summary>The accepted column names, most specific first (case-insensitive, surrounding white space ignored).</summary>
    public static readonly IReadOnlyList<string> Names = ["image_path", "path"];

    /// <summary>The index of the path column in <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentException">No column has an accepted name; the message lists the columns seen.</exception>
    public static int Choose(IReadOnlyList<string> columns, string input)
    {
        foreach (var name in Names)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (string.Equals(columns[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }

        var seen = columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"'{c}'"));
        throw new ArgumentException(
            $"--input '{input}': the manifest has no 'image_path' or 'path' column (its columns: {seen}); name the column " +
            "that holds the image paths 'image_path' or 'path', or give a .txt manifest with one path a line.",
            nameof(input));
    }
}
