namespace Pipeline.Storage;

/// <summary>
/// One interface over local folders and Azure Blob containers. Keys are '/' separated and relative to the location the
/// store was opened on; they may not contain empty, '.' or '..' segments or backslashes. Reading a key that does not
/// exist throws <see cref="FileNotFoundException"/> in every implementation.
/// </summary>
public interface IObjectStore
{
    /// <summary>The location this store was opened on; keys are relative to it.</summary>
    StorageLocation Location { get; }

    /// <summary>
    /// Every object whose key starts with <paramref name="prefix"/> (a plain string prefix, like Azure's; pass
    /// <c>"dir/"</c> for a folder), recursively, in ordinal order of <see cref="ObjectEntry.Key"/>.
    /// </summary>
    IAsyncEnumerable<ObjectEntry> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Whether an object exists under <paramref name="key"/>.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading; the caller disposes the stream.</summary>
    /// <exception cref="FileNotFoundException">The key does not exist.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads the whole object.</summary>
    /// <exception cref="FileNotFoundException">The key does not exist.</exception>
    Task<byte[]> ReadAllBytesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes (or overwrites) the object with the rest of <paramref name="content"/>. Readers never see a partial
    /// object under the key. Seekable streams are rewound for retries; a non-seekable stream gets one attempt.
    /// </summary>
    Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Writes (or overwrites) the object. Readers never see a partial object under the key.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Write-once: creates the object only if the key is absent (Azure: <c>If-None-Match: *</c>; local: a link that
    /// never replaces). Returns <see langword="false"/>, changing nothing, when the key already exists.
    /// </summary>
    Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies the object at <paramref name="sourceKey"/> over <paramref name="destinationKey"/>, replacing it
    /// atomically: readers of the destination see either its previous content or the whole copy, never a part.
    /// </summary>
    /// <exception cref="FileNotFoundException">The source key does not exist.</exception>
    Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; deleting a key that does not exist is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}
