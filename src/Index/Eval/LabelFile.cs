namespace Pipeline.Index.Eval;

/// <summary>
/// Reads the labels of an evaluation set: a <c>.csv</c> file with a header row naming <c>image_path</c> and
/// <c>label</c> columns (any order, extra columns ignored), or a <c>.parquet</c> file with those two columns
/// (<c>label</c> a string or an integer column). Column names match case-insensitively, ignoring surrounding spaces.
/// </summary>
/// <remarks>
/// Every error names the file, and where it concerns one record its line (CSV, 1-based, header = line 1) or row
/// (parquet, 1-based): a missing column, an empty path or label, or an image path listed twice.
/// </remarks>
public static partial class LabelFile
{
    /// <summary>The image path column.</summary>
    public const string ImagePathColumn = "image_path";

    /// <summary>The label column.</summary>
    public const string LabelColumn = "label";

    /// <summary>
    /// Every record of the label file in <paramref name="stream"/>, in file order. The format follows the extension of
    /// <paramref name="fileName"/> (<c>.csv</c> or <c>.parquet</c>), which also names the file in error messages. A
    /// parquet stream that cannot seek is first copied into memory (parquet's footer is read first).
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither .csv nor .parquet.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is malformed, lacks a column, has an empty path or label, or lists an image path twice.
    /// </exception>
    public static async Task<IReadOnlyList<LabelledImage>> ReadAsync(Stream stream, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var extension = Path.GetExtension(fileName);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
            return await ReadCsvAsync(stream, fileName, cancellationToken);
        if (extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase))
            return await ReadParquetAsync(stream, fileName, cancellationToken);
        throw new ArgumentException(
            $"label file '{fileName}': unknown format '{extension}'; give a .csv file (header with image_path and label) or a .parquet file.",
            nameof(fileName));
    }

    /// <summary>The index of <paramref name="column"/> in <paramref name="columns"/>, or an error that lists the columns seen.</summary>
    private static int ColumnIndex(IReadOnlyList<string> columns, string column, string fileName)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Trim(), column, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        var seen = columns.Count == 0 ? "none" : string.Join(", ", columns.Select(c => $"'{c}'"));
        throw new InvalidDataException(
            $"label file '{fileName}' has no '{column}' column (its columns: {seen}); it needs '{ImagePathColumn}' and '{LabelColumn}'.");
    }

    /// <summary>Collects records, rejecting empty values and repeated paths.</summary>
    private sealed class Collector(string fileName)
    {
        private readonly Dictionary<string, string> _firstSeen = new(StringComparer.Ordinal);
        private readonly List<LabelledImage> _items = [];

        public IReadOnlyList<LabelledImage> Items => _items;

        /// <summary>Adds one record; <paramref name="where"/> ("line 7", "row 7") places it in error messages.</summary>
        public void Add(string? imagePath, string? label, string where)
        {
            imagePath = imagePath?.Trim();
            label = label?.Trim();
            if (string.IsNullOrEmpty(imagePath))
                throw new InvalidDataException($"label file '{fileName}', {where}: the {ImagePathColumn} is empty.");
            if (string.IsNullOrEmpty(label))
                throw new InvalidDataException($"label file '{fileName}', {where}: the {LabelColumn} of '{imagePath}' is empty; every image needs a label.");
            if (!_firstSeen.TryAdd(imagePath, where))
            {
                throw new InvalidDataException(
                    $"label file '{fileName}': the image '{imagePath}' is listed twice ({_firstSeen[imagePath]} and {where}); give each image one label.");
            }
            _items.Add(new LabelledImage(imagePath, label));
        }
    }
}
