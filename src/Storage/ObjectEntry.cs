namespace Pipeline.Storage;

/// <summary>One object found by <see cref="IObjectStore.ListAsync"/>.</summary>
/// <param name="Key">The key relative to the store's root, '/' separated, never starting with '/'.</param>
/// <param name="Size">The object's length in bytes.</param>
public sealed record ObjectEntry(string Key, long Size);
