using System.Runtime.CompilerServices;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// A folder or blob prefix: every image (by extension) and every <c>.tar</c> below it, recursively, in the store's
/// ordinal key order. References are keys relative to the folder; a folder that does not exist lists nothing.
/// </summary>
internal sealed class FolderCorpusInput(string root, StorageLocation location, IObjectStore store, IReadOnlyList<string> imageExtensions)
    : CorpusInput(root, location, CorpusInputKind.Folder)
{
    private readonly string displayPrefix = root.Trim().TrimEnd('/') + "/";

    /// <inheritdoc />
    public override async IAsyncEnumerable<CorpusEntry> EntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entries = store.ListAsync("", cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (entries)
        {
            while (true)
            {
                try
                {
                    if (!await entries.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (DirectoryNotFoundException)
                {
                    yield break;
                }

                var key = entries.Current.Key;
                var kind = CorpusExtensions.KindOf(key, imageExtensions);
                if (kind is { } k)
                {
                    yield return new CorpusEntry(displayPrefix + key, key, k);
                }
            }
        }
    }
}
