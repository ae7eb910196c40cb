namespace Pipeline.Storage.Corpus;

/// <summary>
/// An opened <c>--input</c>: streams its entries in a deterministic order without holding the listing in memory, so a
/// planner can cut shards while the listing is still running. Enumerate <see cref="EntriesAsync"/> as often as needed;
/// every enumeration reads the input again and gives the same entries in the same order.
/// </summary>
public abstract class CorpusInput
{
    private protected CorpusInput(string root, StorageLocation? rootLocation, CorpusInputKind kind)
    {
        Root = root;
        RootLocation = rootLocation;
        Kind = kind;
    }

    /// <summary>The input as the user gave it, for display and as the root of folder-mode plan lines.</summary>
    public string Root { get; }

    /// <summary>Folder mode: the location the entries' references are relative to; null when references are absolute.</summary>
    public StorageLocation? RootLocation { get; }

    /// <summary>What the input named.</summary>
    public CorpusInputKind Kind { get; }

    /// <summary>
    /// The entries: folder/prefix in ordinal key order (as <see cref="IObjectStore.ListAsync"/> gives them), manifests
    /// in file order (blank lines skipped, duplicates kept).
    /// </summary>
    public abstract IAsyncEnumerable<CorpusEntry> EntriesAsync(CancellationToken cancellationToken = default);
}
