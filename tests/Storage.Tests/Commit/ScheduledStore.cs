using System.Runtime.CompilerServices;

namespace Pipeline.Storage.Tests.Commit;

/// <summary>An <see cref="IObjectStore"/> decorator whose every call first waits for its turn from a <see cref="StepScheduler"/>.</summary>
public sealed class ScheduledStore(StepScheduler scheduler, string actor, IObjectStore inner) : IObjectStore
{
    public StorageLocation Location => inner.Location;

    public async IAsyncEnumerable<ObjectEntry> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "List", prefix);
        var entries = new List<ObjectEntry>();
        await foreach (var entry in inner.ListAsync(prefix, cancellationToken))
        {
            entries.Add(entry);
        }

        foreach (var entry in entries)
        {
            yield return entry;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Exists", key);
        return await inner.ExistsAsync(key, cancellationToken);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "OpenRead", key);
        return await inner.OpenReadAsync(key, cancellationToken);
    }

    public async Task<byte[]> ReadAllBytesAsync(string key, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Read", key);
        return await inner.ReadAllBytesAsync(key, cancellationToken);
    }

    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Write", key);
        await inner.WriteAsync(key, content, cancellationToken);
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Write", key);
        await inner.WriteAsync(key, content, cancellationToken);
    }

    public async Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "TryCreate", key);
        return await inner.TryCreateAsync(key, content, cancellationToken);
    }

    public async Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Copy", $"{sourceKey} -> {destinationKey}");
        await inner.CopyAsync(sourceKey, destinationKey, cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await scheduler.EnterAsync(actor, "Delete", key);
        await inner.DeleteAsync(key, cancellationToken);
    }
}
