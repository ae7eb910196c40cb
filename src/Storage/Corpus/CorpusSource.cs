namespace Pipeline.Storage.Corpus;

/// <summary>
/// Decides what a job's <c>--input</c> names and opens it: a manifest (<c>.txt</c>, <c>.csv</c>, <c>.parquet</c>),
/// one WebDataset <c>.tar</c>, or else a folder / blob prefix whose images and <c>.tar</c>s are listed recursively.
/// Thread-safe.
/// </summary>
/// <param name="stores">Opens the input's stores.</param>
/// <param name="imageExtensions">The image extensions kept from folder listings, with the dot (".jpg"), any case.</param>
public sealed class CorpusSource(IObjectStoreFactory stores, IReadOnlyList<string> imageExtensions)
{
    /// <summary>The option the errors name.</summary>
    public const string InputOption = "--input";

    /// <summary>
    /// Opens <paramref name="input"/>. Folder mode does no I/O here (an empty or missing folder lists nothing); a
    /// manifest is checked to exist and, for CSV and parquet, to have a path column; a <c>.tar</c> to exist.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a valid location, or the manifest has no path column.</exception>
    /// <exception cref="FileNotFoundException">The manifest or tar does not exist.</exception>
    /// <exception cref="InvalidDataException">The parquet manifest is not parquet, or the CSV header is malformed.</exception>
    public async Task<CorpusInput> OpenAsync(string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var location = Parse(input);
        if (CorpusExtensions.ManifestFormatOf(input) is { } format)
        {
            var (folder, key) = SplitFile(location, input);
            var store = stores.Open(folder);
            await CheckManifestAsync(store, key, format, input, cancellationToken);
            return new ManifestCorpusInput(input, folder, store, key, format);
        }

        if (input.Trim().TrimEnd('/').EndsWith(CorpusExtensions.Tar, StringComparison.OrdinalIgnoreCase))
        {
            var (folder, key) = SplitFile(location, input);
            if (!await stores.Open(folder).ExistsAsync(key, cancellationToken))
            {
                throw new FileNotFoundException($"{InputOption} '{input}': the tar {location} does not exist; check the path.", location.ToString());
            }

            return new TarFileCorpusInput(input, location);
        }

        return new FolderCorpusInput(input, location, stores.Open(location), imageExtensions);
    }

    /// <summary>
    /// The location folder-mode references are relative to, without I/O (for workers that build a
    /// <see cref="SampleOpener"/> from the spec): the input's location for a folder/prefix, null for a manifest or tar.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a valid location.</exception>
    public static StorageLocation? RootLocationOf(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var location = Parse(input);
        return CorpusExtensions.ManifestFormatOf(input) is null
               && !input.Trim().TrimEnd('/').EndsWith(CorpusExtensions.Tar, StringComparison.OrdinalIgnoreCase)
            ? location
            : null;
    }

    internal static FileNotFoundException ManifestNotFound(string input, Exception? inner) =>
        new($"{InputOption} '{input}': the manifest does not exist; check the path (a manifest is a .txt, .csv or .parquet file of image paths).",
            input, inner);

    private static async Task CheckManifestAsync(IObjectStore store, string key, ManifestFormat format, string input, CancellationToken cancellationToken)
    {
        if (format == ManifestFormat.Text)
        {
            if (!await store.ExistsAsync(key, cancellationToken))
            {
                throw ManifestNotFound(input, null);
            }

            return;
        }

        Stream stream;
        try
        {
            stream = format == ManifestFormat.Parquet
                ? await SeekableCopy.OpenAsync(store, key, cancellationToken)
                : await store.OpenReadAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ManifestNotFound(input, e);
        }

        await using (stream)
        {
            await (format == ManifestFormat.Csv
                ? CsvManifestReader.ValidateAsync(stream, input, cancellationToken)
                : ParquetManifestReader.ValidateAsync(stream, input, cancellationToken));
        }
    }

    private static StorageLocation Parse(string input)
    {
        try
        {
            return StorageLocation.Parse(input);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{InputOption} '{input}': {e.Message}", nameof(input), e);
        }
    }

    private static (StorageLocation Folder, string Key) SplitFile(StorageLocation location, string input)
    {
        try
        {
            return CorpusReferences.Split(location, input);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{InputOption} '{input}': {e.Message}", nameof(input), e);
        }
    }
}
