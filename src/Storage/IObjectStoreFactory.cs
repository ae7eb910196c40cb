namespace Pipeline.Storage;

/// <summary>Opens an <see cref="IObjectStore"/> on any <see cref="StorageLocation"/>.</summary>
public interface IObjectStoreFactory
{
    /// <summary>Opens a store whose keys are relative to <paramref name="location"/>. Opening does no I/O.</summary>
    IObjectStore Open(StorageLocation location);
}
