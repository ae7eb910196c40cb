using System.Runtime.CompilerServices;

namespace Pipeline.Storage;

/// <summary>
/// <see cref="IObjectStore"/> over a local folder. Writes go to a hidden temporary file in the target folder, are
/// flushed to disk, then renamed over the key (or linked, for write-once), so a crash never leaves a partial file
/// under the final name. Temporary files are named <c>.&lt;name&gt;.&lt;guid&gt;.tmp</c> and never listed.
/// </summary>
public sealed class LocalObjectStore : IObjectStore
{
    private const string TempSuffix = ".tmp";
    private const int BufferSize = 1 << 16;
    private readonly string root;

    /// <summary>Opens a store on the folder of <paramref name="location"/>; the folder is created on first write.</summary>
    public LocalObjectStore(StorageLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Kind != StorageKind.Local || string.IsNullOrEmpty(location.LocalRoot))
        {
            throw new ArgumentException($"'{location}' is not a local folder location.", nameof(location));
        }

        Location = location;
        root = location.LocalRoot;
    }

    /// <inheritdoc />
    public StorageLocation Location { get; }

    /// <inheritdoc />
    /// <remarks>Ordinal sorting needs the whole listing: keys are collected, sorted, then yielded.</remarks>
    public async IAsyncEnumerable<ObjectEntry> ListAsync(
        string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix);

        // Start at the deepest folder the prefix names, so listing "img_emb/" does not walk the whole tree.
        var folderPart = prefix.LastIndexOf('/') is var slash and >= 0 ? prefix[..slash] : "";
        var start = Path.Join(root, folderPart);
        var entries = new List<ObjectEntry>();
        if (Directory.Exists(start))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
            foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsTempFile(file.Name))
                {
                    continue;
                }

                var key = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    entries.Add(new ObjectEntry(key, file.Length));
                }
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var entry in entries)
        {
            yield return entry;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(key)));

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(key, e);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAllBytesAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(key, e);
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var temp = await WriteTempAsync(path, (file, ct) => content.CopyToAsync(file, BufferSize, ct), cancellationToken);
        Commit(temp, () => File.Move(temp, path, overwrite: true));
    }

    /// <inheritdoc />
    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var temp = await WriteTempAsync(path, (file, ct) => file.WriteAsync(content, ct).AsTask(), cancellationToken);
        Commit(temp, () => File.Move(temp, path, overwrite: true));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The content goes to a temporary file, which link(2) then gives the key's name: link fails atomically when the
    /// name exists, so two racing creators cannot both win and the loser never replaces the winner's file (see
    /// <see cref="LinkCall"/> for why not File.Move).
    /// </remarks>
    public async Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return false;
        }

        var temp = await WriteTempAsync(path, (file, ct) => file.WriteAsync(content, ct).AsTask(), cancellationToken);
        try
        {
            return OperatingSystem.IsWindows() ? MoveNoReplace(temp, path) : LinkCall.TryLink(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static bool MoveNoReplace(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The source is opened first (sharing delete, so a concurrent delete of the source cannot cut the copy short),
    /// copied to a flushed temporary file beside the destination, then renamed over it.
    /// </remarks>
    public async Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        var source = PathOf(sourceKey);
        var destination = PathOf(destinationKey);
        FileStream input;
        try
        {
            input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(sourceKey, e);
        }

        await using (input)
        {
            var temp = await WriteTempAsync(destination, (file, ct) => input.CopyToAsync(file, BufferSize, ct), cancellationToken);
            Commit(temp, () => File.Move(temp, destination, overwrite: true));
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // The key's folder does not exist, so neither does the key.
        }

        return Task.CompletedTask;
    }

    private static bool IsTempFile(string name) => name.StartsWith('.') && name.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>Writes a flushed temporary file beside <paramref name="path"/>; deletes it again if writing fails.</summary>
    private static async Task<string> WriteTempAsync(
        string path, Func<FileStream, CancellationToken, Task> fill, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Join(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await fill(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return temp;
    }

    private static void Commit(string temp, Action move)
    {
        try
        {
            move();
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private string PathOf(string key)
    {
        ObjectKeys.Validate(key);
        return Path.Join(root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private FileNotFoundException NotFound(string key, Exception inner) =>
        new($"No object '{key}' in {Location}.", key, inner);
}
