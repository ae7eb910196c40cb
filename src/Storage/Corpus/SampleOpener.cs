using System.Collections.Concurrent;

namespace Pipeline.Storage.Corpus;

/// <summary>
/// Opens <see cref="CorpusEntry.Reference"/>s: keys relative to the input root read from the root's store; absolute
/// references (local paths, <c>az://</c>, <c>https://</c>, Azurite URLs) are split into parent location + key, with one
/// store per parent, cached. Thread-safe; one per task or per worker.
/// </summary>
/// <param name="stores">Opens stores (opening does no I/O).</param>
/// <param name="inputRoot">The folder-mode root (<see cref="CorpusInput.RootLocation"/>); null when every reference is absolute.</param>
public sealed class SampleOpener(IObjectStoreFactory stores, StorageLocation? inputRoot)
{
    /// <summary>Beyond this many parents the cache is cleared (a manifest may spread over very many folders).</summary>
    internal const int MaxCachedStores = 4096;

    private readonly ConcurrentDictionary<string, IObjectStore> byParent = new(StringComparer.Ordinal);
    private readonly Lazy<IObjectStore?> root = new(() => inputRoot is null ? null : stores.Open(inputRoot), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The stores cached now (for tests).</summary>
    internal int CachedStores => byParent.Count;

    /// <summary>Reads the whole sample.</summary>
    /// <exception cref="ArgumentException">The reference cannot be parsed, names no file, or is relative with no input root.</exception>
    /// <exception cref="FileNotFoundException">The sample does not exist.</exception>
    public Task<byte[]> ReadAllBytesAsync(string reference, CancellationToken cancellationToken = default)
    {
        var (store, key) = Resolve(reference);
        return store.ReadAllBytesAsync(key, cancellationToken);
    }

    /// <summary>Opens the sample as a stream (a tar is read this way); the caller disposes it.</summary>
    /// <exception cref="ArgumentException">The reference cannot be parsed, names no file, or is relative with no input root.</exception>
    /// <exception cref="FileNotFoundException">The sample does not exist.</exception>
    public Task<Stream> OpenReadAsync(string reference, CancellationToken cancellationToken = default)
    {
        var (store, key) = Resolve(reference);
        return store.OpenReadAsync(key, cancellationToken);
    }

    private (IObjectStore Store, string Key) Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!CorpusReferences.IsAbsolute(reference))
        {
            var store = root.Value ?? throw new ArgumentException(
                $"Cannot open '{reference}': it is a relative key, and this job's input has no root folder to resolve it against.",
                nameof(reference));
            return (store, reference);
        }

        StorageLocation parent;
        string key;
        try
        {
            (parent, key) = CorpusReferences.Split(reference);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Cannot open '{reference}': {e.Message}", nameof(reference), e);
        }

        var parentText = parent.ToString();
        if (!byParent.TryGetValue(parentText, out var cached))
        {
            if (byParent.Count >= MaxCachedStores)
            {
                byParent.Clear();
            }

            cached = byParent.GetOrAdd(parentText, _ => stores.Open(parent));
        }

        return (cached, key);
    }
}
