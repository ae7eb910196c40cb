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
    /// <summary>The local path of <paramref name="keys"/>[0], with every other key of the shard beside it under its own file name.</summary>
    public async Task<string> LocalPathAsync(IObjectStore store, string buildId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (store.Location.Kind == StorageKind.Local)
            return Path.Join(store.Location.LocalRoot!, store.Location.Prefix, keys[0]);
        string root = options.Value.CacheFolder.Length > 0 ? options.Value.CacheFolder : Path.Join(Path.GetTempPath(), "pipeline-index-cache");
        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{store.Location}\n{buildId}\n{keys[0]}")))[..32];
        string folder = Path.Join(root, name);
        Directory.CreateDirectory(folder);
        foreach (var key in keys)
        {
            string path = Path.Join(folder, Path.GetFileName(key));
            if (File.Exists(path)) continue;
            string temp = $"{path}.{Guid.NewGuid():N}.part-download";
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
        }
        return Path.Join(folder, Path.GetFileName(keys[0]));
    }
}
