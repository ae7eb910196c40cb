namespace Pipeline.Storage;

/// <summary>Reads that treat a missing object as an answer, not an error.</summary>
public static class ObjectStoreExtensions
{
    /// <summary>The object's bytes, or null when it does not exist: one round trip instead of exists-then-read.</summary>
    public static async Task<byte[]?> ReadAllBytesIfPresentAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.ReadAllBytesAsync(key, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
