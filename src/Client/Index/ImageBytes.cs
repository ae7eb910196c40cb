using Pipeline.Storage;

namespace Pipeline.Client.Index;

/// <summary>Reads an image (or any file) named as a corpus lists it: a local path, az://container/key or a blob URL.</summary>
public sealed class ImageBytes(IObjectStoreFactory stores)
{
    public async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsBlob(path)) return await File.ReadAllBytesAsync(path, cancellationToken);
        var location = StorageLocation.Parse(path);
        int slash = location.Prefix.LastIndexOf('/');
        var parent = location with { Prefix = slash > 0 ? location.Prefix[..slash] : "" };
        return await stores.Open(parent).ReadAllBytesAsync(location.Prefix[(slash + 1)..], cancellationToken);
    }

    public static bool IsBlob(string path) =>
        path.StartsWith("az://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("http", StringComparison.OrdinalIgnoreCase);
}
