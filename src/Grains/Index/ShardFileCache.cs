using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Storage;

namespace Pipeline.Grains.Index;

/// <summary>
/// A local path for an index shard file: the file itself for a local index, a downloaded copy for one on blob storage
/// (index files are memory-mapped, which needs a file). Copies are named by index location, build and key, written to
/// a temp name and renamed, so a crash never leaves a half file under the final name.
/// </summary>
public sealed class ShardFileCache(IOptions<IndexServiceOptions> options)
{
    public async Task<string> LocalPathAsync(IObjectStore store, string buildId, string key, CancellationToken cancellationToken)
    {
        if (store.Location.Kind == StorageKind.Local)
            return Path.Join(store.Location.LocalRoot!, store.Location.Prefix, key);
        string folder = options.Value.CacheFolder.Length > 0 ? options.Value.CacheFolder : Path.Join(Path.GetTempPath(), "pipeline-index-cache");
        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{store.Location}\n{buildId}\n{key}")))[..32];
        string path = Path.Join(folder, name + Path.GetExtension(key));
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(folder);
        string temp = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var source = await store.OpenReadAsync(key, cancellationToken))
            await using (var target = File.Create(temp))
                await source.CopyToAsync(target, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return path;
    }
}
