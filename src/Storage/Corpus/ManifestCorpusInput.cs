using System.Runtime.CompilerServices;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// A manifest file: its paths in file order. <see cref="CorpusEntry.ImagePath"/> is the path as written;
/// <see cref="CorpusEntry.Reference"/> is absolute (relative paths joined onto the manifest's folder). Paths ending in
/// <c>.tar</c> are tar entries; every other path is an image, whatever its extension (the user listed it).
/// </summary>
internal sealed class ManifestCorpusInput(string root, StorageLocation folder, IObjectStore store, string key, ManifestFormat format)
    : CorpusInput(root, null, CorpusInputKind.Manifest)
{
    /// <summary>The manifest's format.</summary>
    public ManifestFormat Format { get; } = format;

    /// <inheritdoc />
    public override async IAsyncEnumerable<CorpusEntry> EntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Stream stream;
        try
        {
            stream = Format == ManifestFormat.Parquet
                ? await SeekableCopy.OpenAsync(store, key, cancellationToken)
                : await store.OpenReadAsync(key, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CorpusSource.ManifestNotFound(Root, e);
        }

        await using (stream)
        {
            var paths = Format switch
            {
                ManifestFormat.Text => TextManifestReader.ReadAsync(stream, cancellationToken),
                ManifestFormat.Csv => CsvManifestReader.ReadAsync(stream, Root, cancellationToken),
                _ => ParquetManifestReader.ReadAsync(stream, Root, cancellationToken),
            };
            await foreach (var path in paths.WithCancellation(cancellationToken))
            {
                var kind = path.EndsWith(CorpusExtensions.Tar, StringComparison.OrdinalIgnoreCase) ? CorpusEntryKind.Tar : CorpusEntryKind.Image;
                yield return new CorpusEntry(path, CorpusReferences.Resolve(folder, path), kind);
            }
        }
    }
}
